"""PDF text layer via pypdfium2 (Apache-2.0/BSD; PyMuPDF is AGPL and avoided).

Per page: every character with its loose box; lines rebuilt by y, then x; a gap wider than
TAB_GAP character heights splits a line into cells, so a table row becomes one `\\t` line
and runs of such lines become a `Table`. Pages without a usable text layer (scans, fonts
without a ToUnicode map) go to OCR when it is switched on, else they are reported.
"""

from __future__ import annotations

import ctypes
import re
from functools import cache

import numpy as np

from .builder import Builder, Deadline
from .encoding import frequent_share, plausibility
from .errors import ReadError
from .model import Document, ReadLimits, SegInfo

TAB_GAP = 1.8  # gap (in line heights) that separates table cells
SPACE_GAP = 0.15  # gap that is a word space
_CID_LITERAL = re.compile(r"\(cid:\d+\)")


def _open(data: bytes, name: str, limits: ReadLimits):  # type: ignore[no-untyped-def]
    import pypdfium2 as pdfium

    label = name or "the PDF"
    tail = data[-4096:]
    if b"%%EOF" not in tail:
        raise ReadError(
            "truncated_pdf",
            f"{label} ends after {len(data):,} bytes without the %%EOF marker: the download was cut "
            "short; fetch the file again",
        )
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            raise ReadError(
                "encrypted_pdf",
                f"{label} is protected by a password; ask the publisher for an unprotected copy",
            ) from None
        if code == 5:  # FPDF_ERR_SECURITY
            raise ReadError(
                "encrypted_pdf", f"{label} uses an unsupported security handler; print it to a new PDF"
            ) from None
        raise ReadError(
            "malformed_pdf",
            f"{label} is damaged and cannot be opened ({e}); download it again or re-save it",
        ) from None
    n = len(pdf)
    if n == 0:
        raise ReadError("malformed_pdf", f"{label} has no pages")
    if n > limits.max_pages:
        pdf.close()
        raise ReadError(
            "too_many_pages",
            f"{label} has {n} pages (limit {limits.max_pages}); split it or raise ReadLimits.max_pages",
        )
    return pdf


@cache
def _loose_box_fn():  # type: ignore[no-untyped-def]
    """FPDFText_GetLooseCharBox with a plain-address third argument, so a numpy buffer can be
    filled in place (pypdfium2's own binding insists on a ctypes POINTER(FS_RECTF))."""
    from pypdfium2_raw.bindings import FPDF_TEXTPAGE, _libs

    fn = _libs["pdfium"]["FPDFText_GetLooseCharBox"]  # item access: a fresh function object
    fn.argtypes = (FPDF_TEXTPAGE, ctypes.c_int, ctypes.c_void_p)
    fn.restype = ctypes.c_int
    return fn


def _page_chars(textpage) -> tuple[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """Non-space characters of a page and their loose boxes (x0, y0, x1, y1).

    One ctypes call per character writes straight into a preallocated FS_RECTF array
    (no Python attribute reads): ~1 µs per character.
    """
    import pypdfium2.raw as R

    n = textpage.count_chars()
    if n <= 0:
        return "", np.zeros((0, 4), np.float32)
    text = textpage.get_text_range(0, n)
    if len(text) != n:  # surrogate pairs: fall back to one call per char
        text = "".join(chr(R.FPDFText_GetUnicode(textpage.raw, i) or 0xFFFD) for i in range(n))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    keep = np.flatnonzero((codes > 0x20) & (codes != 0xFFFE) & (codes != 0x3000) & (codes != 0xA0))
    ltrb = np.zeros((len(keep), 4), dtype=np.float32)  # FS_RECTF: left, top, right, bottom
    raw = textpage.raw
    get_box = _loose_box_fn()
    base = ltrb.ctypes.data
    for k, i in enumerate(keep.tolist()):
        get_box(raw, i, base + 16 * k)
    boxes = np.empty_like(ltrb)
    boxes[:, 0] = ltrb[:, 0]
    boxes[:, 1] = ltrb[:, 3]
    boxes[:, 2] = ltrb[:, 2]
    boxes[:, 3] = ltrb[:, 1]
    kept = codes[keep].astype("<u4").tobytes().decode("utf-32-le")
    return kept, boxes


def _garbled(chars: str) -> bool:
    """A text layer whose glyphs do not map to real characters (no/broken ToUnicode)."""
    if not chars:
        return False
    bad = sum(1 for c in chars if c == "\ufffd" or "\ue000" <= c <= "\uf8ff" or ord(c) < 0x20)
    bad += 6 * len(_CID_LITERAL.findall(chars))
    if bad > 0.3 * len(chars):
        return True
    if len(chars) >= 20 and plausibility(chars) < 0.6:  # CIDs shown as code points: ༺ଡᄼ⩝…
        return True
    share, han = frequent_share(chars)
    return han >= 50 and share < 0.2


def _lines(chars: str, boxes: np.ndarray) -> list[list[tuple[str, np.ndarray]]]:
    """Group chars into lines (top to bottom), each a list of cells (text, boxes), left to right."""
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    h = np.maximum(boxes[:, 3] - boxes[:, 1], 1.0)
    order = np.argsort(-cy, kind="stable")
    tol = 0.5 * float(np.median(h))
    breaks = np.flatnonzero(np.abs(np.diff(cy[order])) > tol) + 1
    out: list[list[tuple[str, np.ndarray]]] = []
    for idx in np.split(order, breaks):
        idx = idx[np.argsort(boxes[idx, 0], kind="stable")]
        bx = boxes[idx]
        cd = codes[idx]
        lh = float(h[idx].mean())
        gaps = bx[1:, 0] - bx[:-1, 2]
        spaces = np.flatnonzero((gaps > SPACE_GAP * lh) & (gaps <= TAB_GAP * lh)) + 1
        if spaces.size:
            cd = np.insert(cd, spaces, 0x20)
            bx = np.insert(bx, spaces, np.nan, axis=0)
            gaps = np.insert(gaps, spaces - 1, 0.0)
        tabs = np.flatnonzero(gaps > TAB_GAP * lh) + 1
        cells = []
        for c_cd, c_bx in zip(np.split(cd, tabs), np.split(bx, tabs), strict=True):
            cells.append((c_cd.astype("<u4").tobytes().decode("utf-32-le"), c_bx))
        out.append(cells)
    return _merge_centred(out)


def _extent(cells: list[tuple[str, np.ndarray]]) -> tuple[float, float, list[tuple[float, float]]]:
    bx = np.concatenate([c[1] for c in cells])
    xs = [(float(np.nanmin(c[1][:, 0])), float(np.nanmax(c[1][:, 2]))) for c in cells]
    return float(np.nanmin(bx[:, 1])), float(np.nanmax(bx[:, 3])), xs


def _merge_centred(lines: list[list[tuple[str, np.ndarray]]]) -> list[list[tuple[str, np.ndarray]]]:
    """Join a line into the one above when their heights overlap and their cells do not
    collide: a table cell printed vertically centred beside a wrapped neighbour."""
    out: list[list[tuple[str, np.ndarray]]] = []
    prev_ext = None
    for cells in lines:
        ext = _extent(cells)
        if out and prev_ext is not None:
            y0, y1, xs = prev_ext
            overlap = min(y1, ext[1]) - max(y0, ext[0])
            collide = any(a0 < b1 and b0 < a1 for a0, a1 in xs for b0, b1 in ext[2])
            if overlap > 0.25 * (ext[1] - ext[0]) and not collide:
                merged = sorted(out[-1] + cells, key=lambda c: float(np.nanmin(c[1][:, 0])))
                out[-1] = merged
                prev_ext = _extent(merged)
                continue
        out.append(cells)
        prev_ext = ext
    return out


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–－\s]*$")
_LIST_START = re.compile(r"^(第?[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．]|[①-⑳])")
_NO_JOIN_END = tuple("。：:；;！!？?")


def _emit_page(b: Builder, page_no: int, lines, conf: float | None = None) -> None:  # type: ignore[no-untyped-def]
    """Write a page's lines: page-number lines dropped, wrapped paragraph lines rejoined,
    consecutive multi-cell lines collected into one table."""
    if lines and len(lines[-1]) == 1 and _PAGE_NUMBER.match(lines[-1][0][0]):
        lines = lines[:-1]
    if lines and len(lines[0]) == 1 and _PAGE_NUMBER.match(lines[0][0][0]):
        lines = lines[1:]
    single = [_extent(c) for c in lines]
    flat = [(y0, y1, xs[0][0], xs[-1][1]) for y0, y1, xs in single]
    text_lines = [f for f, c in zip(flat, lines, strict=True) if len(c) == 1]
    right = max((f[3] for f in text_lines), default=0.0)
    left = min((f[2] for f in text_lines), default=0.0)
    table = None
    row = 0
    for k, cells in enumerate(lines):
        if len(cells) >= 2:
            if table is None:
                table = b.start_table(page=page_no)
                row = 0
            b.add_row(
                table,
                row,
                [
                    (c, text, SegInfo(kind="pdf", page=page_no, table=table, row=row, col=c, ocr_confidence=conf))
                    for c, (text, _boxes) in enumerate(cells)
                ],
                [bx for _t, bx in cells],
            )
            row += 1
            continue
        table = None
        text, bx = cells[0]
        b.add(text, SegInfo(kind="pdf", page=page_no, ocr_confidence=conf), bx)
        if _continues(lines, flat, k, left, right):
            if text[-1:].isascii() and text[-1:].isalnum() and lines[k + 1][0][0][:1].isascii():
                b.sep(" ")
            continue
        b.sep("\n")


def _continues(lines, flat, k: int, left: float, right: float) -> bool:  # type: ignore[no-untyped-def]
    """Does single-cell line k wrap into line k+1 (same paragraph)?"""
    if k + 1 >= len(lines) or len(lines[k + 1]) != 1:
        return False
    y0, y1, _x0, x1 = flat[k]
    _ny0, ny1, nx0, _nx1 = flat[k + 1]
    lh = max(y1 - y0, 1.0)
    text = lines[k][0][0]
    nxt = lines[k + 1][0][0]
    slack = 4.0 if nxt[:1].isascii() and nxt[:1].isalnum() else 1.5  # numbers wrap as a whole word
    return (
        x1 >= right - slack * lh
        and nx0 <= left + 0.5 * lh
        and (y0 - ny1) < 0.8 * lh
        and not text.endswith(_NO_JOIN_END)
        and not _LIST_START.match(nxt)
    )


def read_pdf(data: bytes, limits: ReadLimits, name: str, deadline: Deadline) -> Document:
    pdf = _open(data, name, limits)
    label = name or "the PDF"
    b = Builder(limits, with_boxes=True)
    warnings: list[str] = []
    need_ocr: list[int] = []
    garbled: list[int] = []
    empty: list[int] = []
    n = len(pdf)
    ocr_on = limits.ocr_enabled()
    try:
        for p in range(n):
            deadline.check(f"page {p + 1} of {n}")
            try:
                page = pdf[p]
                tp = page.get_textpage()
                chars, boxes = _page_chars(tp)
                tp.close()
            except Exception as e:  # one broken page should not lose the document
                warnings.append(f"page {p + 1}: text layer unreadable ({type(e).__name__}); skipped")
                continue
            if not chars or _garbled(chars):
                (garbled if chars else empty).append(p + 1)
                if ocr_on and len(need_ocr) < limits.ocr_max_pages:
                    need_ocr.append(p)
                    _ocr_into(b, page, p + 1, limits, deadline)
                elif ocr_on:
                    warnings.append(f"page {p + 1} not OCR'd: more than {limits.ocr_max_pages} pages need OCR")
                page.close()
                continue
            page.close()
            b.newline()
            _emit_page(b, p + 1, _lines(chars, boxes))
            b.newline()
            b.sep("\f")  # page break: normalised to a line break, kept as a marker in the raw text
    finally:
        pdf.close()
    if not ocr_on:
        if len(empty) == n:
            raise ReadError(
                "scanned_pdf",
                f"{label} has no text layer on any of its {n} pages (a scan); turn on OCR "
                "(FISCAL_OCR=1 or ReadLimits(ocr=True), needs the 'ocr' extra) or supply a text PDF",
            )
        if len(empty) + len(garbled) == n:
            raise ReadError(
                "pdf_text_garbled",
                f"{label}: the text layer of pages {_pages(garbled)} does not map to real characters "
                "(fonts without a ToUnicode map); turn on OCR (FISCAL_OCR=1) or supply another copy",
            )
        if empty:
            warnings.append(f"pages {_pages(empty)} have no text layer (scanned?); enable OCR to read them")
        if garbled:
            warnings.append(f"pages {_pages(garbled)} have a garbled text layer; enable OCR to read them")
    elif need_ocr:
        warnings.append(f"pages {_pages([p + 1 for p in need_ocr])} read by OCR")
    return b.finish(fmt="pdf", encoding=None, encoding_confidence=1.0, pages=n, warnings=warnings)


def _pages(pages: list[int]) -> str:
    shown = ", ".join(map(str, pages[:20]))
    return shown + (f" … ({len(pages)} in all)" if len(pages) > 20 else "")


def _ocr_into(b: Builder, page, page_no: int, limits: ReadLimits, deadline: Deadline) -> None:  # type: ignore[no-untyped-def]
    """OCR a page into the builder; each fragment keeps its own box and confidence."""
    from .ocr import ocr_page

    lines = ocr_page(page, limits)
    deadline.check(f"OCR of page {page_no}")
    b.newline()
    for line in lines:
        lh = max(float(line[0][1][3] - line[0][1][1]), 1.0)
        prev_x1 = None
        for text, box, conf in line:
            if prev_x1 is not None:
                b.sep("\t" if box[0] - prev_x1 > TAB_GAP * lh else " ")
            b.add(text, SegInfo(kind="pdf", page=page_no, ocr_confidence=conf), np.tile(box, (len(text), 1)))
            prev_x1 = float(box[2])
        b.sep("\n")
    b.sep("\f")
