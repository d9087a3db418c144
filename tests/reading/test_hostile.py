"""Damaged inputs: whatever happens, the caller gets a Document or a ReadError, never a crash."""

from __future__ import annotations

import random

import pytest

from extract.reading import Document, ReadError, read_bytes

from .helpers import REPORT, make_docx, make_pdf, make_xlsx


def _mutants(data: bytes, seed: int, n: int) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for _ in range(n):
        b = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            b = b[: rnd.randrange(1, len(b))]
        out.append(bytes(b))
    return out


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_pdf([["本年支出合计3137.51万元"]], [["项目", "金额"], ["基本支出", "1.00"]]),
        lambda: make_docx(["本年支出合计3137.51万元"], [["项目", "金额"]], []),
        lambda: make_xlsx({"S": [["项目", 1.5]]}),
        lambda: ("<html><body><table><tr><td>项目</td><td>1</td></tr></table></body></html>").encode("gbk"),
        lambda: REPORT.encode("gb18030"),
    ],
    ids=["pdf", "docx", "xlsx", "html", "txt"],
)
def test_mutated_files_give_document_or_read_error(make) -> None:  # type: ignore[no-untyped-def]
    for data in _mutants(make(), seed=7, n=40):
        try:
            assert isinstance(read_bytes(data), Document)
        except ReadError as e:
            assert e.code and e.message
