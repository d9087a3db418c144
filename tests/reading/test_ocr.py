"""OCR of scanned PDF pages (optional extra `ocr`; skipped where it is not installed)."""

from __future__ import annotations

import pytest

from extract.reading import ReadError, ReadLimits, read_bytes
from extract.reading.ocr import ocr_available

from .helpers import make_image_pdf


def test_ocr_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FISCAL_OCR", raising=False)
    assert ReadLimits().ocr_enabled() is False
    monkeypatch.setenv("FISCAL_OCR", "1")
    assert ReadLimits().ocr_enabled() is True
    assert ReadLimits(ocr=False).ocr_enabled() is False


def test_ocr_unavailable_is_a_read_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from extract.reading import ocr

    real_import = builtins.__import__

    def no_rapidocr(name: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name.startswith("rapidocr_onnxruntime"):
            raise ImportError("No module named 'rapidocr_onnxruntime'")
        return real_import(name, *args, **kwargs)

    ocr._engine.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_rapidocr)
    try:
        with pytest.raises(ReadError) as e:
            read_bytes(make_image_pdf(), limits=ReadLimits(ocr=True))
        assert e.value.code == "ocr_unavailable"
        assert "uv sync --extra ocr" in e.value.message
    finally:
        monkeypatch.undo()
        ocr._engine.cache_clear()


@pytest.mark.skipif(not ocr_available(), reason="OCR extra not installed (uv sync --extra ocr)")
def test_scanned_pdf_is_read_by_ocr_with_confidence_in_origins() -> None:
    doc = read_bytes(make_image_pdf("Total 3137.51"), limits=ReadLimits(ocr=True))
    assert "3137.51" in doc.text
    o = doc.origin(doc.text.index("3137.51"))
    assert o.kind == "pdf" and o.page == 1
    assert o.ocr_confidence is not None and 0.5 < o.ocr_confidence <= 1.0
    assert o.bbox is not None and 72 <= o.bbox[0] < 472
    assert any("OCR" in w for w in doc.warnings)


SCANNED_REPORT = [
    "盐边县财政局2021年度部门决算说明",
    "一、收入支出决算总体情况说明",
    "2021年度收入总计3137.51万元，支出总计3137.51万元。",
    "与上年相比，收支总计各增加245.30万元，增长8.48%。",
    "本年支出合计2946.20万元，其中：基本支出1234.00万元，",
    "占41.88%；项目支出1712.20万元，占58.12%。",
    "三公经费支出合计12.65万元，比上年减少3.21万元。",
    "其中公务接待费4.35万元，共接待38批次、256人次。",
    "公务用车运行维护费8.30万元，年末共有车辆5辆。",
]


def _chinese_ocr_ready() -> bool:
    from .helpers import cjk_font

    return ocr_available() and cjk_font() is not None


needs_chinese_ocr = pytest.mark.skipif(
    not _chinese_ocr_ready(), reason="needs the OCR extra and a CJK font (apt-get install fonts-wqy-microhei)"
)


@needs_chinese_ocr
def test_chinese_scan_is_read_character_for_character() -> None:
    import difflib
    import re

    from extract.reading.normalize import normalize

    from .helpers import make_chinese_scan

    pdf = make_chinese_scan(SCANNED_REPORT, dpi=150, rotate=0.5, blur=0.6, speckle=0.002, jpeg_quality=60)
    doc = read_bytes(pdf, limits=ReadLimits(ocr=True))
    truth = normalize("".join(SCANNED_REPORT))[0]
    got = doc.text.replace("\n", "").replace(" ", "")
    assert difflib.SequenceMatcher(None, truth, got).ratio() >= 0.98
    numbers = re.findall(r"\d+(?:\.\d+)?", truth)
    assert re.findall(r"\d+(?:\.\d+)?", got) == numbers


@needs_chinese_ocr
def test_values_from_a_poor_scan_are_withheld_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import extract_bytes

    from .helpers import make_chinese_scan

    pdf = make_chinese_scan(SCANNED_REPORT, dpi=100, size_pt=9, rotate=2.0, blur=1.0, speckle=0.01, jpeg_quality=35)
    truth = {
        "revenue_total": 31375100.0, "expenditure_total": 29462000.0, "expenditure_basic": 12340000.0,
        "expenditure_project": 17122000.0, "three_public_total": 126500.0, "three_public_reception": 43500.0,
        "reception_batches": 38, "reception_visitors": 256, "three_public_vehicle_operation": 83000.0,
        "vehicles_owned": 5,
    }  # fmt: skip
    monkeypatch.setenv("FISCAL_OCR", "1")
    out = extract_bytes(pdf, "poor_scan.pdf")
    for fact in out["facts"]:
        if fact["field"] in truth:
            assert fact["value"] == truth[fact["field"]], fact
        assert fact["ocr_confidence"] >= 0.95
    withheld = [w for w in out["warnings"] if w["code"] == "ocr_low_confidence"]
    assert withheld and all("check that page by eye" in w["message"] for w in withheld)


@needs_chinese_ocr
def test_facts_from_a_fair_chinese_scan_are_all_found_and_tagged_as_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    from extract import extract_bytes

    from .helpers import make_chinese_scan

    monkeypatch.setenv("FISCAL_OCR", "1")
    pdf = make_chinese_scan(SCANNED_REPORT, dpi=150, rotate=0.5, blur=0.6, speckle=0.002, jpeg_quality=60)
    facts = {f["field"]: f for f in extract_bytes(pdf, "fair_scan.pdf")["facts"]}
    assert facts["expenditure_total"]["value"] == 29462000.0
    assert facts["expenditure_basic"]["value"] == 12340000.0
    assert facts["reception_batches"]["value"] == 38
    assert all(0.95 <= f["ocr_confidence"] <= 1.0 for f in facts.values())
