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
from itertools import pairwise

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


class _Line:
    """One visual line: cells (text, per-char boxes) left to right, its height extent and
    the x extent of each cell (kept as floats so layout decisions cost no numpy calls)."""

    __slots__ = ("cells", "xs", "y0", "y1")

    def __init__(
        self, cells: list[tuple[str, np.ndarray]], y0: float, y1: float, xs: list[tuple[float, float]]
    ) -> None:
        self.cells = cells
        self.y0 = y0
        self.y1 = y1
        self.xs = xs


def _display_boxes(boxes: np.ndarray, rotation: int, width: float, height: float) -> np.ndarray:
    """Boxes as the page is shown (/Rotate applied), so landscape table pages read in rows."""
    if rotation not in (90, 180, 270):
        return boxes
    x0, y0, x1, y1 = boxes[:, 0], boxes[:, 1], boxes[:, 2], boxes[:, 3]
    if rotation == 90:  # shown turned clockwise: user +y runs left to right
        nx0, nx1, ny0, ny1 = y0, y1, width - x1, width - x0
    elif rotation == 270:
        nx0, nx1, ny0, ny1 = height - y1, height - y0, x0, x1
    else:
        nx0, nx1, ny0, ny1 = width - x1, width - x0, height - y1, height - y0
    return np.stack([nx0, ny0, nx1, ny1], axis=1).astype(np.float32)


def _lines(chars: str, boxes: np.ndarray, shown: np.ndarray | None = None) -> list[_Line]:
    """Group chars into lines (top to bottom), each a list of cells (text, boxes), left to right.

    Layout uses `shown` (display coordinates) when given; cells keep the PDF-space `boxes`.
    """
    store = boxes
    if shown is not None:
        boxes = shown
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    h = np.maximum(boxes[:, 3] - boxes[:, 1], 1.0)
    order = np.argsort(-cy, kind="stable")
    tol = 0.5 * float(np.median(h))
    breaks = np.flatnonzero(np.abs(np.diff(cy[order])) > tol) + 1
    starts = np.concatenate(([0], breaks))
    y0s = np.minimum.reduceat(boxes[order, 1], starts).tolist()
    y1s = np.maximum.reduceat(boxes[order, 3], starts).tolist()
    out: list[_Line] = []
    for k, idx in enumerate(np.split(order, breaks)):
        idx = idx[np.argsort(boxes[idx, 0], kind="stable")]
        lay = boxes[idx]
        bx = store[idx]
        cd = codes[idx]
        lh = float(h[idx].mean())
        gaps = lay[1:, 0] - lay[:-1, 2]
        tabs0 = np.flatnonzero(gaps > TAB_GAP * lh) + 1  # cell starts, before spaces are inserted
        bounds = [0, *tabs0.tolist(), len(idx)]
        xs = [(float(lay[s0, 0]), float(lay[s1 - 1, 2])) for s0, s1 in pairwise(bounds)]
        spaces = np.flatnonzero((gaps > SPACE_GAP * lh) & (gaps <= TAB_GAP * lh)) + 1
        if spaces.size:
            cd = np.insert(cd, spaces, 0x20)
            bx = np.insert(bx, spaces, np.nan, axis=0)
            gaps = np.insert(gaps, spaces - 1, 0.0)
        tabs = np.flatnonzero(gaps > TAB_GAP * lh) + 1
        cells = []
        for c_cd, c_bx in zip(np.split(cd, tabs), np.split(bx, tabs), strict=True):
            cells.append((c_cd.astype("<u4").tobytes().decode("utf-32-le"), c_bx))
        out.append(_Line(cells, y0s[k], y1s[k], xs))
    return _merge_centred(out)


def _merge_centred(lines: list[_Line]) -> list[_Line]:
    """Join a line into the one above when their heights overlap and their cells do not
    collide: a table cell printed vertically centred beside a wrapped neighbour."""
    out: list[_Line] = []
    for line in lines:
        if out:
            prev = out[-1]
            overlap = min(prev.y1, line.y1) - max(prev.y0, line.y0)
            collide = any(a0 < b1 and b0 < a1 for a0, a1 in prev.xs for b0, b1 in line.xs)
            if overlap > 0.25 * (line.y1 - line.y0) and not collide:
                pairs = sorted(zip(prev.xs + line.xs, prev.cells + line.cells, strict=True), key=lambda p: p[0][0])
                out[-1] = _Line(
                    [c for _x, c in pairs], min(prev.y0, line.y0), max(prev.y1, line.y1), [x for x, _c in pairs]
                )
                continue
        out.append(line)
    return out


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–－\s]*$")
_LIST_START = re.compile(
    r"^(第?[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|[①-⑳])"
)
_NO_JOIN_END = tuple("。：:；;！!？?")


def _emit_page(b: Builder, page_no: int, lines: list[_Line]) -> None:
    """Write a page's lines: page-number lines dropped, wrapped paragraph lines rejoined,
    consecutive multi-cell lines collected into one table."""
    if lines and len(lines[-1].cells) == 1 and _PAGE_NUMBER.match(lines[-1].cells[0][0]):
        lines = lines[:-1]
    if lines and len(lines[0].cells) == 1 and _PAGE_NUMBER.match(lines[0].cells[0][0]):
        lines = lines[1:]
    text_lines = [ln for ln in lines if len(ln.cells) == 1]
    right = max((ln.xs[-1][1] for ln in text_lines), default=0.0)
    left = min((ln.xs[0][0] for ln in text_lines), default=0.0)
    table = None
    row = 0
    for k, line in enumerate(lines):
        cells = line.cells
        if len(cells) >= 2:
            if table is None:
                table = b.start_table(page=page_no)
                row = 0
            b.add_row(
                table,
                row,
                [
                    (c, text, SegInfo(kind="pdf", page=page_no, table=table, row=row, col=c))
                    for c, (text, _boxes) in enumerate(cells)
                ],
                [bx for _t, bx in cells],
            )
            row += 1
            continue
        table = None
        text, bx = cells[0]
        b.add(text, SegInfo(kind="pdf", page=page_no), bx)
        if _continues(lines, k, left, right):
            if text[-1:].isascii() and text[-1:].isalnum() and lines[k + 1].cells[0][0][:1].isascii():
                b.sep(" ")
            continue
        b.sep("\n")


def _continues(lines: list[_Line], k: int, left: float, right: float) -> bool:
    """Does single-cell line k wrap into line k+1 (same paragraph)?"""
    if k + 1 >= len(lines) or len(lines[k + 1].cells) != 1:
        return False
    cur, nxt_line = lines[k], lines[k + 1]
    lh = max(cur.y1 - cur.y0, 1.0)
    text = cur.cells[0][0]
    nxt = nxt_line.cells[0][0]
    slack = 4.0 if nxt[:1].isascii() and nxt[:1].isalnum() else 1.5  # numbers wrap as a whole word
    return (
        cur.xs[-1][1] >= right - slack * lh
        and nxt_line.xs[0][0] <= left + 0.5 * lh
        and (cur.y0 - nxt_line.y1) < 0.8 * lh
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
                rotation = page.get_rotation()
                shown = _display_boxes(boxes, rotation, *page.get_size()) if rotation else None
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
            _emit_page(b, p + 1, _lines(chars, boxes, shown))
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
