"""OCR of PDF pages without a usable text layer, with rapidocr-onnxruntime (Apache-2.0).

Optional: installed with the `ocr` extra (`uv sync --extra ocr`), switched on with
`FISCAL_OCR=1` or `ReadLimits(ocr=True)`. Its models ship inside the wheel, so it works
offline. It pulls opencv-python, which needs libGL.so.1 at import; when the import fails
the reader raises `ocr_unavailable` saying what to install, rather than crashing.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from .errors import ReadError
from .model import ReadLimits

RENDER_SCALE = 2.0  # 144 dpi: the detector's sweet spot for 10-12 pt body text


@cache
def _engine():  # type: ignore[no-untyped-def]
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as e:
        raise ReadError(
            "ocr_unavailable",
            f"OCR was requested but rapidocr-onnxruntime is not installed ({e}); "
            "install the extra with `uv sync --extra ocr`",
        ) from None
    except OSError as e:  # opencv-python without libGL.so.1
        raise ReadError(
            "ocr_unavailable",
            f"OCR libraries failed to load ({e}); install libgl1 (apt-get install libgl1) "
            "or replace opencv-python by opencv-python-headless",
        ) from None
    return RapidOCR()


def ocr_available() -> bool:
    """True when the OCR engine can be loaded here (used by tests and diagnostics)."""
    try:
        _engine()
    except ReadError:
        return False
    return True


Fragment = tuple[str, np.ndarray, float]  # text, box (x0, y0, x1, y1) in PDF points, confidence


def ocr_page(page, limits: ReadLimits) -> list[list[Fragment]]:  # type: ignore[no-untyped-def]
    """OCR one pypdfium2 page; return lines (top to bottom) of fragments (left to right)."""
    engine = _engine()
    height = float(page.get_height())
    bitmap = page.render(scale=RENDER_SCALE)
    img = bitmap.to_numpy()
    if img.ndim == 3 and img.shape[2] == 4:
        img = img[:, :, :3]
    result, _elapsed = engine(np.ascontiguousarray(img))
    frags: list[Fragment] = []
    for quad, text, conf in result or []:
        q = np.asarray(quad, dtype=np.float32) / RENDER_SCALE
        x0, x1 = float(q[:, 0].min()), float(q[:, 0].max())
        top, bottom = float(q[:, 1].min()), float(q[:, 1].max())
        box = np.array([x0, height - bottom, x1, height - top], dtype=np.float32)
        text = str(text).strip()
        if text:
            frags.append((text, box, round(float(conf), 4)))
    return _group_lines(frags)


def _group_lines(frags: list[Fragment]) -> list[list[Fragment]]:
    if not frags:
        return []
    frags.sort(key=lambda f: -(f[1][1] + f[1][3]) / 2)
    lines: list[list[Fragment]] = []
    for f in frags:
        cy = (f[1][1] + f[1][3]) / 2
        h = f[1][3] - f[1][1]
        if lines:
            last = lines[-1][0][1]
            if abs((last[1] + last[3]) / 2 - cy) < 0.5 * max(h, last[3] - last[1]):
                lines[-1].append(f)
                continue
        lines.append([f])
    for line in lines:
        line.sort(key=lambda f: f[1][0])
    return lines
