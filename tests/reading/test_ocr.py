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
