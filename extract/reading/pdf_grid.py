"""Ruled tables of a PDF page: the drawn grid gives the cells.

pdfium's page objects are walked once per page (paths only; form XObjects one level deep at a
time, up to `_MAX_DEPTH`). A path whose bounds are thin in one direction and long in the other
is a rule (stroked line or the thin filled rectangle Word/WPS print as a border); a stroked
path that is not thin is split into its axis-parallel line segments (cell boxes drawn with
`re`). Filled areas (shading), invisible (unstroked, unfilled: clip paths) and white paths
are ignored.

Rules that touch form connected groups; a group with at least two horizontal and two vertical
rules is a grid: the distinct rule positions cut it into rows and columns, and a missing piece
of rule between two neighbouring grid cells merges them (row and column spans). Characters
belong to the cell holding their centre; the text of a cell is its lines top to bottom joined
without a separator (a space only between two Latin letters), so a wrapped cell stays one cell.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import numpy as np

THIN = 2.5  # a rule is at most this thick (points)
SNAP = 2.0  # positions closer than this are the same rule line
TOUCH = 2.5  # rules this close to each other touch
_MAX_OBJECTS = 20000  # page objects looked at per page (pathological files)
_MAX_DEPTH = 4  # nesting of form XObjects followed
_MAX_SEGMENTS = 400  # segments read from one non-thin stroked path


@dataclass(slots=True)
class Grid:
    """One ruled table: column edges `xs` (left to right), row edges `ys` (top to bottom, display
    y grows upwards so ys is decreasing) and, per grid cell, the id of the merged cell it
    belongs to (`owner[i, j]` = i0 * ncols + j0 of the merged cell's top-left grid cell)."""

    xs: np.ndarray
    ys: np.ndarray
    owner: np.ndarray

    @property
    def nrows(self) -> int:
        return len(self.ys) - 1

    @property
    def ncols(self) -> int:
        return len(self.xs) - 1

    @property
    def top(self) -> float:
        return float(self.ys[0])

    @property
    def bottom(self) -> float:
        return float(self.ys[-1])

    def contains(self, cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
        return (cx > self.xs[0]) & (cx < self.xs[-1]) & (cy < self.ys[0]) & (cy > self.ys[-1])

    def cell_of(self, cx: np.ndarray, cy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of the merged cell holding each point (points must be inside)."""
        j = np.clip(np.searchsorted(self.xs, cx, side="right") - 1, 0, self.ncols - 1)
        i = np.clip(np.searchsorted(-self.ys, -cy, side="right") - 1, 0, self.nrows - 1)
        own = self.owner[i, j]
        return own // self.ncols, own % self.ncols


# -- page objects -> rules ----------------------------------------------------------------------


def _mul(m1: tuple[float, ...], m2: tuple[float, ...]) -> tuple[float, ...]:
    """Matrix product m1 then m2 (PDF order: point * m1 * m2)."""
    a, b, c, d, e, f = m1
    A, B, C, D, E, F = m2
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def page_segments(page_raw) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Axis-parallel rule candidates of a page as boxes (x0, y0, x1, y1) in PDF user space."""
    import pypdfium2.raw as R

    out: list[tuple[float, float, float, float]] = []
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    fill_mode, stroke = ctypes.c_int(), ctypes.c_int()
    cr, cg, cb, ca = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    x, y = ctypes.c_float(), ctypes.c_float()
    mat = R.FS_MATRIX()
    seen = 0

    def visible(obj, stroked: bool) -> bool:  # type: ignore[no-untyped-def]
        get = R.FPDFPageObj_GetStrokeColor if stroked else R.FPDFPageObj_GetFillColor
        if not get(obj, ctypes.byref(cr), ctypes.byref(cg), ctypes.byref(cb), ctypes.byref(ca)):
            return True
        return ca.value > 0 and not (cr.value >= 245 and cg.value >= 245 and cb.value >= 245)

    def walk(count: int, get_obj, parent: tuple[float, ...] | None, depth: int) -> None:  # type: ignore[no-untyped-def]
        nonlocal seen
        for k in range(count):
            seen += 1
            if seen > _MAX_OBJECTS:
                return
            obj = get_obj(k)
            if not obj:
                continue
            kind = R.FPDFPageObj_GetType(obj)
            if kind == R.FPDF_PAGEOBJ_FORM:
                if depth < _MAX_DEPTH and R.FPDFPageObj_GetMatrix(obj, ctypes.byref(mat)):
                    m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
                    total = m if parent is None else _mul(m, parent)
                    walk(
                        R.FPDFFormObj_CountObjects(obj),
                        lambda i, o=obj: R.FPDFFormObj_GetObject(o, i),
                        total,
                        depth + 1,
                    )
                continue
            if kind != R.FPDF_PAGEOBJ_PATH:
                continue
            if not R.FPDFPath_GetDrawMode(obj, ctypes.byref(fill_mode), ctypes.byref(stroke)):
                continue
            stroked = bool(stroke.value)
            if not stroked and fill_mode.value == 0:
                continue  # neither filled nor stroked: a clip path
            if not R.FPDFPageObj_GetBounds(
                obj, ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top)
            ):
                continue
            box = (left.value, bottom.value, right.value, top.value)
            if parent is not None:
                box = _transform_box(box, parent)
            w, h = box[2] - box[0], box[3] - box[1]
            if (w <= THIN < h) or (h <= THIN < w):
                if visible(obj, stroked):
                    out.append(box)
                continue
            if not stroked or w <= THIN or h <= THIN or not visible(obj, True):
                continue  # a filled area (shading) or a dot
            n = R.FPDFPath_CountSegments(obj)
            if n <= 1 or n > _MAX_SEGMENTS or not R.FPDFPageObj_GetMatrix(obj, ctypes.byref(mat)):
                continue
            m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
            if parent is not None:
                m = _mul(m, parent)
            half = 0.5
            pts: list[tuple[float, float, int, bool]] = []
            for s in range(n):
                seg = R.FPDFPath_GetPathSegment(obj, s)
                if not seg or not R.FPDFPathSegment_GetPoint(seg, ctypes.byref(x), ctypes.byref(y)):
                    continue
                px = m[0] * x.value + m[2] * y.value + m[4]
                py = m[1] * x.value + m[3] * y.value + m[5]
                pts.append((px, py, R.FPDFPathSegment_GetType(seg), bool(R.FPDFPathSegment_GetClose(seg))))
            start = None
            prev = None
            for px, py, t, close in pts:
                if t == R.FPDF_SEGMENT_MOVETO:
                    start = prev = (px, py)
                    continue
                if prev is not None and t == R.FPDF_SEGMENT_LINETO:
                    _edge(out, prev, (px, py), half)
                prev = (px, py)
                if close and start is not None:
                    _edge(out, prev, start, half)
                    prev = start

    walk(R.FPDFPage_CountObjects(page_raw), lambda i: R.FPDFPage_GetObject(page_raw, i), None, 0)
    if not out:
        return np.zeros((0, 4), np.float32)
    return np.asarray(out, dtype=np.float32)


def _transform_box(box: tuple[float, float, float, float], m: tuple[float, ...]) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for px, py in ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])):
        xs.append(m[0] * px + m[2] * py + m[4])
        ys.append(m[1] * px + m[3] * py + m[5])
    return (min(xs), min(ys), max(xs), max(ys))


def _edge(
    out: list[tuple[float, float, float, float]], p: tuple[float, float], q: tuple[float, float], half: float
) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y1 - y0) <= 0.5 and abs(x1 - x0) > THIN:
        out.append((min(x0, x1), y0 - half, max(x0, x1), y0 + half))
    elif abs(x1 - x0) <= 0.5 and abs(y1 - y0) > THIN:
        out.append((x0 - half, min(y0, y1), x0 + half, max(y0, y1)))


# -- rules -> grids -----------------------------------------------------------------------------


def _merge_rules(pos: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Collinear rules (positions within SNAP) that overlap or touch become one: rows (pos, lo, hi)."""
    if not len(pos):
        return np.zeros((0, 3), np.float64)
    order = np.lexsort((lo, np.round(pos / SNAP)))
    out: list[list[float]] = []
    for k in order.tolist():
        p, a, b = float(pos[k]), float(lo[k]), float(hi[k])
        if out and abs(out[-1][0] - p) <= SNAP and a <= out[-1][2] + TOUCH:
            last = out[-1]
            last[2] = max(last[2], b)
            continue
        out.append([p, a, b])
    return np.asarray(out, dtype=np.float64)


def _cluster(values: np.ndarray) -> np.ndarray:
    """Distinct positions: sorted values with neighbours closer than SNAP averaged."""
    v = np.sort(values)
    groups = np.split(v, np.flatnonzero(np.diff(v) > SNAP) + 1)
    return np.asarray([float(g.mean()) for g in groups])


def find_grids(segs: np.ndarray) -> list[Grid]:
    """Grids from rule boxes in display coordinates (x0, y0, x1, y1)."""
    if len(segs) < 4:
        return []
    w = segs[:, 2] - segs[:, 0]
    h = segs[:, 3] - segs[:, 1]
    hz = segs[h < w]
    vt = segs[h >= w]
    if len(hz) < 2 or len(vt) < 2:
        return []
    H = _merge_rules((hz[:, 1] + hz[:, 3]) / 2, hz[:, 0], hz[:, 2])  # y, x0, x1
    V = _merge_rules((vt[:, 0] + vt[:, 2]) / 2, vt[:, 1], vt[:, 3])  # x, y0, y1
    nh = len(H)
    # which horizontal rule meets which vertical one
    meet = (
        (V[None, :, 0] >= H[:, None, 1] - TOUCH)
        & (V[None, :, 0] <= H[:, None, 2] + TOUCH)
        & (H[:, None, 0] >= V[None, :, 1] - TOUCH)
        & (H[:, None, 0] <= V[None, :, 2] + TOUCH)
    )
    parent = list(range(nh + len(V)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i, j in zip(*np.nonzero(meet), strict=True):
        ra, rb = find(int(i)), find(nh + int(j))
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(nh):
        if meet[i].any():
            groups.setdefault(find(i), ([], []))[0].append(i)
    for j in range(len(V)):
        if meet[:, j].any():
            groups.setdefault(find(nh + j), ([], []))[1].append(j)
    grids = []
    for hi, vi in groups.values():
        g = _grid(H[hi], V[vi])
        if g is not None:
            grids.append(g)
    grids.sort(key=lambda g: -g.top)
    return grids


def _grid(H: np.ndarray, V: np.ndarray) -> Grid | None:
    ys = _cluster(H[:, 0])[::-1]  # top to bottom
    xs = _cluster(V[:, 0])
    # open sides: horizontal rules running past the outermost verticals close the grid there
    lo, hi = float(H[:, 1].min()), float(H[:, 2].max())
    if lo < xs[0] - 3 * SNAP:
        xs = np.concatenate(([lo], xs))
    if hi > xs[-1] + 3 * SNAP:
        xs = np.concatenate((xs, [hi]))
    if len(xs) < 3 or len(ys) < 2:  # at least two columns and one row
        return None
    nr, nc = len(ys) - 1, len(xs) - 1
    if nr * nc > 20000:
        return None
    ymid = (ys[:-1] + ys[1:]) / 2
    xmid = (xs[:-1] + xs[1:]) / 2
    tol = TOUCH

    # vb[i, k]: a vertical rule at xs[k] crosses the middle of row i; hb[k, j]: a horizontal rule at
    # ys[k] crosses the middle of column j
    def covered_v(k: int) -> np.ndarray:
        r = V[np.abs(V[:, 0] - xs[k]) <= SNAP]
        if not len(r):
            return np.zeros(nr, bool)
        return ((r[None, :, 1] - tol <= ymid[:, None]) & (ymid[:, None] <= r[None, :, 2] + tol)).any(axis=1)

    def covered_h(k: int) -> np.ndarray:
        r = H[np.abs(H[:, 0] - ys[k]) <= SNAP]
        if not len(r):
            return np.zeros(nc, bool)
        return ((r[None, :, 1] - tol <= xmid[:, None]) & (xmid[:, None] <= r[None, :, 2] + tol)).any(axis=1)

    vb = np.stack([covered_v(k) for k in range(1, nc)], axis=1) if nc > 1 else np.zeros((nr, 0), bool)
    hb = np.stack([covered_h(k) for k in range(1, nr)], axis=0) if nr > 1 else np.zeros((0, nc), bool)
    # union-find over grid cells; the owner is the top-left cell of each merged group
    owner = np.arange(nr * nc).reshape(nr, nc)
    parent = owner.ravel().tolist()

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for i, j in zip(*np.nonzero(~vb), strict=True):
        union(int(i) * nc + int(j), int(i) * nc + int(j) + 1)
    for i, j in zip(*np.nonzero(~hb), strict=True):
        union(int(i) * nc + int(j), (int(i) + 1) * nc + int(j))
    roots = np.asarray([find(a) for a in range(nr * nc)]).reshape(nr, nc)
    if len(np.unique(roots)) < 2:
        return None  # one box around some text: not a table
    return Grid(xs=np.asarray(xs, np.float64), ys=np.asarray(ys, np.float64), owner=roots)


# -- chars -> cells -----------------------------------------------------------------------------


def grid_rows(
    grid: Grid, codes: np.ndarray, lay: np.ndarray, store: np.ndarray, space_gap: float
) -> list[list[tuple[int, str, np.ndarray]]] | None:
    """Rows of a grid, each a list of (col, text, boxes) left to right, empty rows dropped.

    `codes` are the code points of the grid's characters, `lay` their display boxes, `store`
    their PDF-space boxes (kept per character; inserted spaces get NaN boxes). A grid cell under
    a row span from above is an empty cell (so columns stay aligned); a cell covered by a column
    span from its left neighbour is an empty cell too. Empty cells at the end of a row are left out.
    """
    nc = grid.ncols
    cx = (lay[:, 0] + lay[:, 2]) / 2
    cy = (lay[:, 1] + lay[:, 3]) / 2
    r, c = grid.cell_of(cx, cy)
    h = np.maximum(lay[:, 3] - lay[:, 1], 1.0)
    cell = r * nc + c
    # lines inside a cell: sort by cell, then top to bottom; a new line where the centre drops
    order = np.lexsort((-cy, cell))
    cs, ys = cell[order], cy[order]
    tol = 0.5 * float(np.median(h))
    newline = np.ones(len(order), bool)
    if len(order) > 1:
        newline[1:] = (cs[1:] != cs[:-1]) | (np.abs(np.diff(ys)) > tol)
    line_no = np.cumsum(newline)
    line_of = np.empty(len(order), np.int64)
    line_of[order] = line_no
    order = np.lexsort((lay[:, 0], line_of, cell))  # cell, line, x
    cell_s = cell[order]
    line_s = line_of[order]
    lay_s = lay[order]
    cd = codes[order]
    bx = store[order]
    hh = h[order]
    n = len(order)
    # separators before each character: a space inside a line (gap), a space between lines of
    # a cell only when both sides are Latin letters
    sep = np.zeros(n, bool)
    if n > 1:
        same_cell = cell_s[1:] == cell_s[:-1]
        same_line = same_cell & (line_s[1:] == line_s[:-1])
        gap = lay_s[1:, 0] - lay_s[:-1, 2]
        lh = np.maximum(hh[1:], hh[:-1])
        letter_a = ((cd[:-1] | 0x20) >= 0x61) & ((cd[:-1] | 0x20) <= 0x7A)
        letter_b = ((cd[1:] | 0x20) >= 0x61) & ((cd[1:] | 0x20) <= 0x7A)
        sep[1:] = (same_line & (gap > space_gap * lh)) | (same_cell & ~same_line & letter_a & letter_b)
        if _stacked_numbers(grid, cell_s, line_s, lay_s, cd, hh, same_cell & ~same_line):
            return None
    spaces = np.flatnonzero(sep)
    starts = np.flatnonzero(np.concatenate(([True], cell_s[1:] != cell_s[:-1]))) if n else np.zeros(0, np.int64)
    cell_ids = cell_s[starts].tolist()
    if spaces.size:
        cd = np.insert(cd, spaces, 0x20)
        bx = np.insert(bx, spaces, np.nan, axis=0)
        # cell starts shift by the number of spaces inserted before them
        starts = starts + np.searchsorted(spaces, starts, side="right")
    bounds = [*starts.tolist(), len(cd)]
    texts: dict[int, tuple[str, np.ndarray]] = {}
    for k, cid in enumerate(cell_ids):
        a, b = bounds[k], bounds[k + 1]
        texts[cid] = (cd[a:b].astype("<u4").tobytes().decode("utf-32-le"), bx[a:b])
    rows = []
    empty = np.zeros((0, 4), np.float32)
    for i in range(grid.nrows):
        row: list[tuple[int, str, np.ndarray]] = []
        for j in range(nc):
            own = int(grid.owner[i, j])
            if own == i * nc + j and own in texts:
                t, b = texts[own]
                row.append((j, t, b))
            else:
                row.append((j, "", empty))
        while row and not row[-1][1]:
            row.pop()
        if row:
            rows.append(row)
    return rows


_NUM_END = np.array([ord(c) for c in "0123456789.%"], np.uint32)
_NUM_START = np.array([ord(c) for c in "0123456789.-+"], np.uint32)


def _stacked_numbers(
    grid: Grid,
    cell_s: np.ndarray,
    line_s: np.ndarray,
    lay_s: np.ndarray,
    cd: np.ndarray,
    hh: np.ndarray,
    breaks: np.ndarray,
) -> bool:
    """Is there a line break inside a cell between a figure's end and a figure's start where
    the upper line does not fill the cell (so it was not wrapped, it is another row)?"""
    at = np.flatnonzero(breaks & np.isin(cd[:-1], _NUM_END) & np.isin(cd[1:], _NUM_START))
    if not at.size:
        return False
    for k in at.tolist():  # k: last char of the upper line, k + 1: first char of the lower
        same = np.flatnonzero(line_s == line_s[k])
        x0, x1 = float(lay_s[same, 0].min()), float(lay_s[same, 2].max())
        own = int(cell_s[k])
        cols = np.nonzero(grid.owner == own)[1]
        width = float(grid.xs[cols.max() + 1] - grid.xs[cols.min()])
        if x1 - x0 < width - 2.5 * float(hh[k]):
            return True
    return False
