"""The same report in every format and encoding reads to the same facts as its plain-text version.

Formats whose layout the generator renders identically (TXT in every encoding, HTML, HTML saved as
.xls, XLSX, DOCX) must give exactly the facts of the UTF-8 text. PDF is held to the dangerous half
of that promise: it may miss a fact the text gives, never state a different value.
"""

from __future__ import annotations

import random

import pytest

from extract import extract_bytes
from synth import generate_report, render

SEEDS = [f"roundtrip:{i}" for i in range(4)]
TYPES = ["final_accounts", "budget", "performance_evaluation", "final_accounts"]
EXACT = [("txt", "gb18030"), ("txt", "utf-16"), ("txt", "utf-16-le"), ("html", None), ("xls", None),
         ("xlsx", None), ("docx", None)]


def _facts(seed: str, report_type: str, fmt: str, encoding: str | None) -> dict:
    rep = generate_report(seed, report_type)
    rendered = render(rep, fmt, random.Random(seed), encoding=encoding)
    result = extract_bytes(rendered.data, f"report{rendered.ext}")
    assert result["status"] == "ok", result["reason"]
    return {f["field"]: f["value"] if f["value"] is not None else f["value_text"] for f in result["facts"]}


@pytest.mark.parametrize(("seed", "report_type"), list(zip(SEEDS, TYPES, strict=True)))
@pytest.mark.parametrize(("fmt", "encoding"), EXACT)
def test_format_gives_the_facts_of_the_text_version(seed: str, report_type: str, fmt: str, encoding) -> None:
    reference = _facts(seed, report_type, "txt", "utf-8")
    assert _facts(seed, report_type, fmt, encoding) == reference


@pytest.mark.parametrize(("seed", "report_type"), list(zip(SEEDS, TYPES, strict=True)))
def test_pdf_never_states_a_value_the_text_version_does_not(seed: str, report_type: str) -> None:
    reference = _facts(seed, report_type, "txt", "utf-8")
    pdf = _facts(seed, report_type, "pdf", None)
    assert {k: v for k, v in pdf.items() if k in reference} == {k: reference[k] for k in pdf if k in reference}
    assert set(pdf) <= set(reference)
    assert len(pdf) >= 0.8 * len(reference)
