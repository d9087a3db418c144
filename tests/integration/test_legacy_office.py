"""Binary Office files as real programs write them: .doc (Word 97) and .xls (BIFF8), saved by
LibreOffice from generated reports, must give the facts of the DOCX/XLSX they came from.

LibreOffice is installed by deploy/native/install.sh (the `workspace` fixture runs it).
"""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from extract import extract_bytes

pytestmark = pytest.mark.integration

REPORTS = [("legacy:0", "final_accounts"), ("legacy:1", "budget"), ("legacy:2", "performance_evaluation")]


def _soffice() -> str:
    path = shutil.which("soffice") or shutil.which("libreoffice")
    assert path, "LibreOffice not installed: deploy/native/install.sh installs libreoffice-writer-nogui"
    return path


def _convert(src: Path, target_filter: str, out_dir: Path) -> bytes:
    """Save `src` in a legacy format the way a user's LibreOffice would (private profile)."""
    profile = "file://" + str(out_dir / "profile")
    subprocess.run(
        [_soffice(), f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", target_filter, "--outdir", str(out_dir), str(src)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    ext = target_filter.split(":")[0]
    return (out_dir / f"{src.stem}.{ext}").read_bytes()


def _modern_and_legacy(tmp_path: Path, fmt: str, target_filter: str) -> list[tuple[str, bytes, bytes]]:
    from synth import generate_report, render

    out = []
    for seed, rtype in REPORTS:
        rep = generate_report(seed=seed, report_type=rtype)
        data = render(rep, fmt, random.Random(seed)).data
        src = tmp_path / f"{rtype}.{fmt}"
        src.write_bytes(data)
        out.append((rtype, data, _convert(src, target_filter, tmp_path)))
    return out


def _facts(record: dict) -> dict:
    assert record["status"] == "ok", record["reason"]
    return {f["field"]: (f["value"], f["value_text"]) for f in record["facts"]}


def _items(record: dict) -> list:
    return sorted((i["class"], i["section"], i["item"], i["amount"]) for i in record["line_items"])


@pytest.mark.parametrize(
    ("modern", "legacy", "target_filter"),
    [("docx", "doc", "doc:MS Word 97"), ("xlsx", "xls", "xls:MS Excel 97")],
)
def test_legacy_binary_file_gives_the_facts_and_line_items_of_its_modern_original(
    workspace: Path, tmp_path: Path, modern: str, legacy: str, target_filter: str
) -> None:
    for rtype, original, old in _modern_and_legacy(tmp_path, modern, target_filter):
        assert old[:8] == bytes.fromhex("d0cf11e0a1b11ae1"), "not an OLE compound file"
        a, b = extract_bytes(original, f"{rtype}.{modern}"), extract_bytes(old, f"{rtype}.{legacy}")
        assert b["format"] == legacy
        assert _facts(b) == _facts(a), rtype
        assert _items(b) == _items(a), rtype


def test_doc_the_piece_table_cannot_read_is_rescued_by_libreoffice(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Word 6/95 files and damaged piece tables go through LibreOffice (no Word 95 writer exists
    here, so the piece-table reader is made to refuse a Word 97 file)."""
    from extract.reading import ReadError
    from extract.reading import doc as doc_reader

    monkeypatch.delenv("FISCAL_DOC_NO_SOFFICE", raising=False)

    def word95(data: bytes, limits: object, name: str) -> None:
        raise ReadError("doc_unsupported", f"{name} is a Word 6/95 file")

    monkeypatch.setattr(doc_reader, "_read_piece_table", word95)
    rtype, docx, doc = _modern_and_legacy(tmp_path, "docx", "doc:MS Word 97")[0]
    record = extract_bytes(doc, f"{rtype}.doc")
    assert _facts(record) == _facts(extract_bytes(docx, f"{rtype}.docx"))
    from extract.reading import read_bytes

    assert any("converted from .doc with LibreOffice" in w for w in read_bytes(doc, "w95.doc").warnings)
