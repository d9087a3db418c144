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
from .pdf_grid import Grid, find_grids, grid_rows, page_segments

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

    __slots__ = ("cells", "cys", "xs", "y0", "y1")

    def __init__(
        self,
        cells: list[tuple[str, np.ndarray]],
        y0: float,
        y1: float,
        xs: list[tuple[float, float]],
        cys: list[float] | None = None,
    ) -> None:
        self.cells = cells
        self.y0 = y0
        self.y1 = y1
        self.xs = xs
        self.cys = cys if cys is not None else [(y0 + y1) / 2] * len(cells)  # vertical centre of each cell


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
        mid = (lay[:, 1] + lay[:, 3]) / 2
        cys = [float(mid[s0:s1].mean()) for s0, s1 in pairwise(bounds)]
        spaces = np.flatnonzero((gaps > SPACE_GAP * lh) & (gaps <= TAB_GAP * lh)) + 1
        if spaces.size:
            cd = np.insert(cd, spaces, 0x20)
            bx = np.insert(bx, spaces, np.nan, axis=0)
            gaps = np.insert(gaps, spaces - 1, 0.0)
        tabs = np.flatnonzero(gaps > TAB_GAP * lh) + 1
        cells = []
        for c_cd, c_bx in zip(np.split(cd, tabs), np.split(bx, tabs), strict=True):
            cells.append((c_cd.astype("<u4").tobytes().decode("utf-32-le"), c_bx))
        out.append(_Line(cells, y0s[k], y1s[k], xs, cys))
    return _merge_centred(out)


def _merge_centred(lines: list[_Line]) -> list[_Line]:
    """Join a line into the one above when their heights overlap and their cells do not
    collide: a table cell printed vertically centred beside a wrapped neighbour. When a
    label wraps onto two lines and the figures beside it sit between them, the figures go with
    the label's first line (its second line stays a line of its own)."""
    out: list[_Line] = []
    for line in lines:
        if out:
            prev = out[-1]
            lh = max(line.y1 - line.y0, 1.0)
            if (
                len(prev.cells) == 1
                and len(line.cells) >= 2
                and abs(line.xs[0][0] - prev.xs[0][0]) <= 0.5 * lh
                and min(line.cys[1:]) > line.cys[0] + 0.25 * lh
                and not any(a0 < prev.xs[0][1] and prev.xs[0][0] < a1 for a0, a1 in line.xs[1:])
            ):
                out[-1] = _Line(
                    prev.cells + line.cells[1:],
                    min(prev.y0, line.y0),
                    prev.y1,
                    prev.xs + line.xs[1:],
                    prev.cys + line.cys[1:],
                )
                out.append(_Line(line.cells[:1], line.y0, line.y1, line.xs[:1], line.cys[:1]))
                continue
            overlap = min(prev.y1, line.y1) - max(prev.y0, line.y0)
            collide = any(a0 < b1 and b0 < a1 for a0, a1 in prev.xs for b0, b1 in line.xs)
            if overlap > 0.25 * (line.y1 - line.y0) and not collide:
                pairs = sorted(
                    zip(prev.xs + line.xs, prev.cells + line.cells, prev.cys + line.cys, strict=True),
                    key=lambda p: p[0][0],
                )
                out[-1] = _Line(
                    [c for _x, c, _y in pairs],
                    min(prev.y0, line.y0),
                    max(prev.y1, line.y1),
                    [x for x, _c, _y in pairs],
                    [y for _x, _c, y in pairs],
                )
                continue
        out.append(line)
    return out


_PAGE_NUMBER = re.compile(r"^[-—–－\s]*(第\s*)?\d{1,4}(\s*页)?(\s*/\s*\d+|\s*共\s*\d+\s*页)?[-—–－\s]*$")
_LIST_START = re.compile(
    r"^(第?[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])"
)
_NO_JOIN_END = tuple("。！!？?")
_WEAK_END = tuple("：:；;")  # ends a clause: joined only when the line is full to the margin
_DIGITS = re.compile(r"\d+")
_CUT_NUMBER = re.compile(r"(?<![\d.])\d+\.$")
_FIRST_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.,%]*")
EDGE_ZONE = 0.12  # running headers/footers live in the top/bottom 12% of the page
COL_MATCH = 3.0  # column edges of a table continued on the next page agree within this (points)


class _GridTable:
    """A ruled table of one page: its rows as (col, text, boxes) lists and its column edges."""

    __slots__ = ("bottom", "rows", "top", "xs")

    def __init__(
        self, rows: list[list[tuple[int, str, np.ndarray]]], top: float, bottom: float, xs: np.ndarray
    ) -> None:
        self.rows = rows
        self.top = top
        self.bottom = bottom
        self.xs = xs


_Item = _Line | _GridTable


class _Page:
    """The laid-out content of one page (or the OCR lines of a page read by OCR)."""

    __slots__ = ("height", "items", "no", "ocr", "width")

    def __init__(self, no: int, items: list[_Item], height: float, ocr: list | None = None, width: float = 0.0) -> None:  # type: ignore[type-arg]
        self.no = no
        self.items = items
        self.height = height
        self.width = width
        self.ocr = ocr


def _layout(
    page,
    chars: str,
    boxes: np.ndarray,
    shown: np.ndarray | None,
    rotation: int,  # type: ignore[no-untyped-def]
    size: tuple[float, float],
) -> list[_Item]:
    """Ruled tables from the page's drawn grid, everything else as lines; top to bottom."""
    lay = boxes if shown is None else shown
    grids: list[Grid] = []
    try:
        segs = page_segments(page.raw)
        if len(segs) and rotation:
            segs = _display_boxes(segs, rotation, *size)
        grids = find_grids(segs)
    except Exception:  # a broken content stream: read the page without its rules
        grids = []
    if not grids:
        return list(_lines(chars, boxes, shown))
    codes = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32)
    cx = (lay[:, 0] + lay[:, 2]) / 2
    cy = (lay[:, 1] + lay[:, 3]) / 2
    owner = np.full(len(chars), -1, np.int64)
    tables: list[_GridTable] = []
    for gi, g in enumerate(grids):
        inside = g.contains(cx, cy) & (owner < 0)
        idx = np.flatnonzero(inside)
        if not idx.size:
            continue
        rows = grid_rows(g, codes[idx], lay[idx], boxes[idx], SPACE_GAP)
        if rows is None:
            continue  # rows without rules between them: its characters are read by gaps
        owner[inside] = gi
        if rows:
            tables.append(_GridTable(rows, g.top, g.bottom, g.xs))
    rest = np.flatnonzero(owner < 0)
    lines: list[_Line] = []
    if rest.size:
        rest_chars = codes[rest].astype("<u4").tobytes().decode("utf-32-le")
        lines = _lines(rest_chars, boxes[rest], None if shown is None else shown[rest])
    items: list[_Item] = []
    k = 0
    for t in tables:  # tables and lines by their tops
        while k < len(lines) and lines[k].y1 > t.top:
            items.append(lines[k])
            k += 1
        items.append(t)
    items.extend(lines[k:])
    return items


def _is_text(item: _Item) -> bool:
    return isinstance(item, _Line) and len(item.cells) == 1


def _edge_signature(item: _Item, height: float) -> str | None:
    """Key of a single-line item in the header or footer zone: its text with digits folded
    (page numbers) and its height on the page; None elsewhere."""
    if not _is_text(item):
        return None
    assert isinstance(item, _Line)
    if item.y0 < (1 - EDGE_ZONE) * height and item.y1 > EDGE_ZONE * height:
        return None
    if item.cells[0][0].endswith(_NO_JOIN_END + _WEAK_END + tuple("，,")):
        return None  # a sentence, not a header
    text = _DIGITS.sub("#", item.cells[0][0])
    return f"{round((item.y0 + item.y1) / 4)}|{text}"


def _strip_edges(pages: list[_Page]) -> None:
    """Drop page numbers and running headers/footers from the top and bottom of each page.

    A page-number-only line (`— 3 —`, `第3页 共9页`) is dropped when it is a page's first or last
    line. A running header/footer is a page's first (last) line when it lies in the top (bottom)
    zone, does not end like a sentence, and its text (digits folded) and position repeat on at
    least 3 pages and half of the text pages; or, on later pages, a top line repeating the report
    title (a substring of page 1's first lines, 8+ characters). One line is dropped at each end.
    """
    text_pages = [p for p in pages if p.ocr is None and p.items]
    counts: dict[str, int] = {}
    if len(text_pages) >= 3:
        for p in text_pages:
            keys = {_edge_signature(it, p.height) for it in (p.items[0], p.items[-1])}
            for key in keys - {None}:
                counts[key] = counts.get(key, 0) + 1  # type: ignore[index]
    need = max(3, (len(text_pages) + 1) // 2)
    running = {k for k, n in counts.items() if n >= need}
    title = _title_key(text_pages[0].items) if text_pages else ""
    for p in text_pages:
        items = p.items
        if items and (
            _edge_signature(items[0], p.height) in running
            or (p is not text_pages[0] and _is_title_header(items[0], title, p.height))
        ):
            items = items[1:]
        top_dropped = len(items) < len(p.items)
        number_dropped = False
        if items and _edge_signature(items[-1], p.height) in running:
            number_dropped = bool(_PAGE_NUMBER.match(items[-1].cells[0][0]))  # type: ignore[union-attr]
            items = items[:-1]
        elif items and _is_text(items[-1]) and _PAGE_NUMBER.match(items[-1].cells[0][0]):  # type: ignore[union-attr]
            items = items[:-1]
            number_dropped = True
        # a page has one page number and one line is dropped at each end: a bare figure opening a
        # page whose number is printed at its foot (or under a running header) is content — a
        # table cell carried over (…6185974. | — 4 — on one page, 10 on the next)
        if (not top_dropped and not number_dropped and items and _is_text(items[0])
                and _PAGE_NUMBER.match(items[0].cells[0][0])):  # type: ignore[union-attr]
            items = items[1:]
        p.items = items


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _title_key(items: list[_Item]) -> str:
    """The first page's opening lines (the report title, possibly wrapped), squeezed."""
    out = []
    for it in items[:3]:
        if not _is_text(it):
            break
        out.append(_squeeze(it.cells[0][0]))  # type: ignore[union-attr]
    return "".join(out)


def _is_title_header(item: _Item, title: str, height: float) -> bool:
    """A running header repeating the report title at the top of a later page (also found on
    documents too short for the repetition count)."""
    if not title or not _is_text(item) or item.y0 < (1 - EDGE_ZONE) * height:  # type: ignore[union-attr]
        return False
    text = _squeeze(item.cells[0][0])  # type: ignore[union-attr]
    return len(text) >= 8 and text in title


class _Open:
    """What the previous page ended with, so the next page can continue it."""

    __slots__ = ("header", "line", "right", "row", "slack", "table", "xs")

    def __init__(self) -> None:
        self.table: int | None = None  # a ruled table (Document.tables index) ...
        self.xs: np.ndarray | None = None
        self.header: list[str] | None = None  # ... its first row's texts
        self.row = 0  # ... and its next row number
        self.line: _Line | None = None  # or a text line whose paragraph may go on
        self.right = 0.0
        self.slack = 1.2


def _right_margins(pages: list[_Page]) -> dict[int, float]:
    """The right margin of the document's text, per page width: the median right edge of the
    pages whose text reaches it (at least three lines end at the page's right edge, or the edge
    lies in the page's right quarter: wrapped paragraphs)."""
    edges: dict[int, list[float]] = {}
    for p in pages:
        if p.ocr is not None:
            continue
        rights = [ln.xs[-1][1] for ln in p.items if _is_text(ln)]  # type: ignore[union-attr]
        if not rights:
            continue
        right = max(rights)
        lh = float(np.median([ln.y1 - ln.y0 for ln in p.items if _is_text(ln)]))  # type: ignore[union-attr]
        if sum(1 for r in rights if r >= right - lh) >= 3 or right >= 0.75 * p.width:
            edges.setdefault(round(p.width), []).append(right)
    return {w: float(np.median(v)) for w, v in edges.items()}


def _same_height(a: _Line, b: _Line) -> bool:
    ha, hb = a.y1 - a.y0, b.y1 - b.y0
    return abs(ha - hb) <= 0.2 * max(ha, hb, 1.0)


def _emit_page(b: Builder, page: _Page, state: _Open, margin: float = 0.0) -> None:
    """Write a page's items: wrapped paragraph lines rejoined, consecutive multi-cell lines
    collected into one table, ruled tables row by row. A table or paragraph left open by the
    previous page is continued (a repeated header row dropped); the page's last line is left
    unterminated in `state` for the next page to decide."""
    page_no = page.no
    lines = page.items
    text_lines = [ln for ln in lines if _is_text(ln)]
    right = max((ln.xs[-1][1] for ln in text_lines), default=0.0)  # type: ignore[union-attr]
    if margin and text_lines:
        # a page of short lines only (a table printed one cell per line, a list): none of them
        # reaches the document's right margin, so none is a wrapped line
        lh = float(np.median([ln.y1 - ln.y0 for ln in text_lines]))  # type: ignore[union-attr]
        if right < margin - 3 * lh:
            right = margin
    # the right margin is known when several lines reach it or it lies in the page's right quarter;
    # then a CJK line may fall short of it
    # by up to ~2 characters (Latin runs, kinsoku) and still be wrapped, else by about one
    full = sum(1 for ln in text_lines if ln.xs[-1][1] >= right - (ln.y1 - ln.y0))  # type: ignore[union-attr]
    slack = 2.2 if full >= 3 or right >= 0.75 * page.width else 1.2
    left = min((ln.xs[0][0] for ln in text_lines), default=0.0)  # type: ignore[union-attr]
    first = lines[0] if lines else None
    go_on_table = (
        isinstance(first, _GridTable)
        and state.table is not None
        and state.xs is not None
        and len(first.xs) == len(state.xs)
        and float(np.max(np.abs(first.xs - state.xs))) <= COL_MATCH
    )
    go_on_line = (
        state.line is not None
        and first is not None
        and _is_text(first)
        and (
            _continues_to(state.line, state.right, first, left, state.slack)  # type: ignore[arg-type]
            # a number cut at its decimal point by the page break (75. | 35%): one number
            or (_CUT_NUMBER.search(state.line.cells[0][0]) is not None and first.cells[0][0][:1].isdigit())  # type: ignore[union-attr]
        )
    )
    if state.line is not None:  # the previous page's last line: ended here or joined
        if go_on_line:
            _join_sep(b, state.line, first)  # type: ignore[arg-type]
        else:
            b.sep("\n")
    if not (go_on_table or go_on_line) and b.length:
        b.newline()
        b.sep("\f")  # page break: normalised to a line break, kept as a marker in the raw text
    if not go_on_table:
        state.table = None
    state.line = None
    gap_table = None
    row = 0
    for k, item in enumerate(lines):
        if isinstance(item, _GridTable):
            gap_table = None
            rows = item.rows
            if k == 0 and go_on_table:
                ti, r0 = state.table, state.row
                if rows and [t for _c, t, _b in rows[0]] == state.header:
                    rows = rows[1:]  # the header row repeated on the new page
            else:
                ti, r0 = b.start_table(page=page_no), 0
                state.header = [t for _c, t, _b in rows[0]] if rows else None
            assert ti is not None
            for r, cells in enumerate(rows, start=r0):
                b.add_row(
                    ti,
                    r,
                    [(c, text, SegInfo(kind="pdf", page=page_no, table=ti, row=r, col=c)) for c, text, _bx in cells],
                    [bx for _c, _t, bx in cells],
                )
            state.table, state.xs, state.row = ti, item.xs, r0 + len(rows)
            continue
        state.table = None
        cells = item.cells
        if len(cells) >= 2:
            if gap_table is None:
                gap_table = b.start_table(page=page_no)
                row = 0
            b.add_row(
                gap_table,
                row,
                [
                    (c, text, SegInfo(kind="pdf", page=page_no, table=gap_table, row=row, col=c))
                    for c, (text, _boxes) in enumerate(cells)
                ],
                [bx for _t, bx in cells],
            )
            row += 1
            continue
        gap_table = None
        text, bx = cells[0]
        b.add(text, SegInfo(kind="pdf", page=page_no), bx)
        if k + 1 == len(lines):
            state.line, state.right, state.slack = item, right, slack  # ended (or continued) by the next page
            break
        nxt = lines[k + 1]
        if _is_text(nxt) and _continues_to(item, right, nxt, left, slack):  # type: ignore[arg-type]
            _join_sep(b, item, nxt)  # type: ignore[arg-type]
            continue
        b.sep("\n")


def _join_sep(b: Builder, cur: _Line, nxt: _Line) -> None:
    text, following = cur.cells[0][0], nxt.cells[0][0]
    if text[-1:].isascii() and text[-1:].isalnum() and following[:1].isascii():
        b.sep(" ")


def _continues_to(cur: _Line, right: float, nxt_line: _Line, left: float, cjk_slack: float) -> bool:
    """Does single-cell line `cur` wrap into `nxt_line` (same paragraph)? `right` is the right
    edge of cur's page text, `left` the left edge of the next line's page text. The vertical
    distance is not checked across pages (the caller passes lines of two pages only when the
    first ends its page and the second starts the next)."""
    lh = max(cur.y1 - cur.y0, 1.0)
    text = cur.cells[0][0]
    nxt = nxt_line.cells[0][0]
    slack = 4.0 if nxt[:1].isascii() and nxt[:1].isalnum() else cjk_slack  # numbers wrap whole
    # a number (or Latin word) wraps whole, with its unit and a closing mark kept beside it: the
    # line may stop short of the margin by the width of the word that opens the next line and two
    # characters (…日常公用经费 | 1709739.51 元。)
    word = _FIRST_WORD.match(nxt)
    if word and word.end() >= 4:
        bx = nxt_line.cells[0][1]
        w = float(np.nanmax(bx[: word.end(), 2]) - bx[0, 0]) if len(bx) >= word.end() else 0.0
        if w > 0:
            slack = max(slack, (w + 2.0 * lh) / lh)
    same_page = cur.y0 > nxt_line.y1 - 0.5 * lh
    # a centred heading that fills the width wraps onto a centred second line
    centred = (
        same_page
        and cur.xs[0][0] <= left + slack * lh
        and abs((nxt_line.xs[0][0] + nxt_line.xs[-1][1]) - (left + right)) <= 2 * lh
    )
    return (
        cur.xs[-1][1] >= right - slack * lh
        and (nxt_line.xs[0][0] <= left + 0.5 * lh or centred)
        and (not same_page or (cur.y0 - nxt_line.y1) < 0.8 * lh)
        and _same_height(cur, nxt_line)
        and not text.endswith(_NO_JOIN_END)
        and (not text.endswith(_WEAK_END) or (cur.xs[-1][1] >= right - 1.0 * lh and not centred))
        # a line ending in a digit at the margin goes on with the digits of the next line, even
        # when they look like a list number (…商品和服务支出244 | 3.11万元)
        and (not _LIST_START.match(nxt) or (text[-1:].isdigit() and nxt[:1].isdigit()))
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
    pages: list[_Page] = []
    try:
        for p in range(n):
            deadline.check(f"page {p + 1} of {n}")
            try:
                page = pdf[p]
                tp = page.get_textpage()
                chars, boxes = _page_chars(tp)
                tp.close()
                rotation = page.get_rotation()
                size = page.get_size()
                shown = _display_boxes(boxes, rotation, *size) if rotation else None
            except Exception as e:  # one broken page should not lose the document
                warnings.append(f"page {p + 1}: text layer unreadable ({type(e).__name__}); skipped")
                continue
            if not chars or _garbled(chars):
                (garbled if chars else empty).append(p + 1)
                if ocr_on and len(need_ocr) < limits.ocr_max_pages:
                    need_ocr.append(p)
                    pages.append(_Page(p + 1, [], 0.0, _ocr_lines(page, p + 1, limits, deadline)))
                elif ocr_on:
                    warnings.append(f"page {p + 1} not OCR'd: more than {limits.ocr_max_pages} pages need OCR")
                page.close()
                continue
            width, height = (size[1], size[0]) if rotation in (90, 270) else size
            items = _layout(page, chars, boxes, shown, rotation, size)
            page.close()
            pages.append(_Page(p + 1, items, height, width=width))
    finally:
        pdf.close()
    _strip_edges(pages)
    margins = _right_margins(pages)
    state = _Open()
    for pg in pages:
        if pg.ocr is not None:
            if state.line is not None:
                b.sep("\n")
            state = _Open()
            _emit_ocr(b, pg.ocr, pg.no)
            continue
        if not pg.items:
            continue
        _emit_page(b, pg, state, margins.get(round(pg.width), 0.0))
    if state.line is not None:
        b.sep("\n")
    if b.length:
        b.newline()
        b.sep("\f")
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


def _ocr_lines(page, page_no: int, limits: ReadLimits, deadline: Deadline) -> list:  # type: ignore[no-untyped-def, type-arg]
    """OCR a page: lines of (text, box, confidence) fragments."""
    from .ocr import ocr_page

    lines = ocr_page(page, limits)
    deadline.check(f"OCR of page {page_no}")
    return lines


def _emit_ocr(b: Builder, lines: list, page_no: int) -> None:  # type: ignore[type-arg]
    """Write OCR lines; each fragment keeps its own box and confidence."""
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
