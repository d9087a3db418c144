"""Flow a report's blocks onto A4 pages, laid out as the former reportlab platypus rendering was.

Same page geometry (20 mm margins and platypus' 6 pt frame padding), font sizes, leading, first-line
indent, CJK line wrapping (break anywhere between CJK characters, Latin runs kept whole when
possible, closing punctuation hanging in the margin), the same spacing rules (a space before is
dropped at the top of a page and overlaps the previous space after) and the same tables: equal
columns across the text width, 6/3 pt cell padding, every cell bounded by drawn rules, text
centred vertically in its row, a table split between rows with its header row repeated on the
next page. The reader (extract/reading/pdf.py, pdf_grid.py) therefore sees the same kind of page.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from synth.pdfwrite import A4, MM, WIDTHS, Page, PdfDocument, text_width

MARGIN = 20 * MM
_PAD = 6.0  # platypus Frame padding
LEFT = MARGIN + _PAD
WIDTH = A4[0] - 2 * MARGIN - 2 * _PAD  # text width
TOP = A4[1] - MARGIN - _PAD
BOTTOM = MARGIN + _PAD
TABLE_WIDTH = A4[0] - 2 * MARGIN  # tables are wider than the text and centred on it
CELL_PAD_X, CELL_PAD_Y = 6.0, 3.0
_FUZZ = 1e-6
_SPACES = re.compile(r"\s+")
# characters that may not start a line: they stay on the line they overflow (reportlab's list)
_CANNOT_START = frozenset(
    "!\"'),.:;?]\xb0\u2010\u2015\u2030\u2032\u2033\u2103\u3001\u3002\u3005\u300d\u300f\u3011\u3015"
    "\u3041\u3043\u3045\u3047\u3049\u3063\u3083\u3085\u3087\u308e\u309b\u309c\u309d\u309e\u30a1\u30a3"
    "\u30a5\u30a7\u30a9\u30c3\u30e3\u30e5\u30e7\u30ee\u30f5\u30f6\u30fb\u30fc\u30fd\u30fe\uff05\uff09"
    "\uff3d\uffe0"
)


@dataclass(frozen=True)
class Style:
    """How a paragraph is set: size and leading (points), first-line indent, centring, spacing."""

    size: float
    leading: float
    indent: float = 0.0
    centred: bool = False
    before: float = 0.0
    after: float = 0.0


BODY = Style(10.5, 16, indent=21)
CELL = Style(8, 10)
HEADINGS = {
    0: Style(18, 27, centred=True, before=4, after=4),
    1: Style(14, 21, before=4, after=4),
    2: Style(12, 18, before=4, after=4),
    3: Style(11, 16.5, before=4, after=4),
    4: Style(11, 16.5, before=4, after=4),
}


class Line(NamedTuple):
    """One laid-out line: its text, its advance width and whether a hard break ('\\n') ends it."""

    text: str
    width: float
    hard: bool = False


def wrap(text: str, size: float, first: float, rest: float) -> list[Line]:
    """Lines of text for a first line of width `first` and later ones of `rest`.

    Whitespace runs become one space. A line breaks before the character that overflows it; when
    that character is not CJK the break moves back to a space or CJK character in the line's
    second half, so numbers and words stay whole; a character that cannot start a line hangs in
    the margin instead. This is platypus' CJK wrapping: `dumbSplit` for plain text (lines
    stripped, except the last), `cjkFragSplit` when '\\n' (a <br/>) makes hard breaks.
    """
    if "\n" not in text:
        s = " ".join(text.split())
        return _split(s, size, first, rest, [], plain=True) if s else []
    parts = [_SPACES.sub(" ", p) for p in text.split("\n")]  # a space run stays a space after a break
    parts[0] = parts[0].lstrip()
    parts[-1] = parts[-1].rstrip()
    if not parts[-1]:
        parts.pop()
    return _hard_lines(parts, size, first, rest)


def rewrap(lines: list[Line], size: float, width: float, plain: bool) -> list[Line]:
    """The lines of a paragraph left over for the next page, wrapped again as platypus does with
    the second half of a split paragraph: plain text is the lines joined without a separator, text
    with hard breaks joins each run of soft-wrapped lines with a space."""
    if plain:
        s = "".join(ln.text for ln in lines)
        return _split(s, size, width, width, [], plain=True) if s else []
    parts, cur = [], ""
    for k, ln in enumerate(lines):
        cur += ln.text
        if ln.hard or k + 1 == len(lines):
            parts.append(cur)
            cur = ""
        elif not ln.text.endswith(" "):
            cur += " "
    return _hard_lines(parts, size, width, width)


def _hard_lines(parts: list[str], size: float, first: float, rest: float) -> list[Line]:
    out: list[Line] = []
    for k, s in enumerate(parts):
        if s:
            _split(s, size, first, rest, out, plain=False)
        else:
            out.append(Line("", 0.0))
        if k + 1 < len(parts):
            out[-1] = out[-1]._replace(hard=True)
    return out


def _split(s: str, size: float, first: float, rest: float, out: list[Line], plain: bool) -> list[Line]:
    """Append the lines of one hard line s (non-empty) to out."""
    get = WIDTHS.get
    scale = size / 1000
    cum = list(accumulate((get(c, 1000) for c in s), initial=0))  # cum[i]: width of s[:i]
    n = len(s)
    start = 0
    while start < n:
        limit = cum[start] + ((first if not out else rest) + _FUZZ) / scale
        i = bisect_right(cum, limit, start + 1)  # s[i - 1] is the character that overflows
        if i > n:
            out.append(Line(s[start:], (cum[n] - cum[start]) * scale))
            break
        u = s[i - 1]
        if ord(u) < 0x3000:  # inside a Latin run: break after an earlier space / CJK character
            for j in range(i - 1, (start + i) >> 1, -1):
                if (s[j] == " " or ord(s[j]) >= 0x3000) and j + 1 < i:
                    u = s[j + 1]
                    i = j + 2
                    break
        if u not in _CANNOT_START and i > start + 1:
            i -= 1  # push the overflowing character to the next line
        line = s[start:i]
        out.append(Line(line.strip() if plain else line, (cum[i] - cum[start]) * scale))
        start = i
    return out


class Flow:
    """Places paragraphs and tables top to bottom, starting new pages as platypus' frame did."""

    def __init__(self, doc: PdfDocument, footer: str, header: str) -> None:
        self.doc = doc
        self.footer = footer  # '第 {n} 页' etc.
        self.header = header  # running header from page 2 on ('' for none)
        self.page: Page = self._new_page()
        self.y = TOP
        self.at_top = True
        self.prev_after = 0.0

    def _new_page(self) -> Page:
        page = self.doc.new_page()
        n = len(self.doc.pages)
        label = self.footer.format(n=n)
        page.text(A4[0] / 2 - text_width(label, 9) / 2, 12 * MM, 9, label)
        if self.header and n > 1:
            page.text(A4[0] / 2 - text_width(self.header, 9) / 2, A4[1] - 12 * MM, 9, self.header)
            page.line(MARGIN, A4[1] - 13.5 * MM, A4[0] - MARGIN, A4[1] - 13.5 * MM)
        return page

    def next_page(self) -> None:
        self.page = self._new_page()
        self.y = TOP
        self.at_top = True
        self.prev_after = 0.0

    def _space_before(self, before: float) -> float:
        return 0.0 if self.at_top else max(before - self.prev_after, 0.0)

    def _placed(self, top: float, height: float, after: float) -> None:
        self.y = top - height - after
        self.prev_after = after
        self.at_top = False

    def paragraph(self, text: str, style: Style) -> None:
        """Set text in style; split between lines at the page end (never leaving one line alone), the
        rest wrapped again on the next page without the first-line indent."""
        lines = wrap(text, style.size, WIDTH - style.indent, WIDTH)
        plain = "\n" not in text
        first = True
        while lines:
            s = self._space_before(style.before if first else 0.0)
            fits = len(lines) * style.leading
            if self.y - s - fits >= BOTTOM - _FUZZ:
                self._draw_lines(lines, style, self.y - s, first)
                self._placed(self.y - s, fits, style.after)
                return
            k = int((self.y - BOTTOM - s) / style.leading)
            if k <= 1 and not self.at_top:  # no orphans: one line alone moves on with the rest
                self.next_page()
                continue
            k = max(k, 1)
            self._draw_lines(lines[:k], style, self.y - s, first)
            lines = rewrap(lines[k:], style.size, WIDTH, plain)
            first = False
            self.next_page()

    def _draw_lines(self, lines: list[Line], style: Style, top: float, first: bool) -> None:
        y = top - style.size
        for k, (line, w, _hard) in enumerate(lines):
            indent = style.indent if first and k == 0 else 0.0
            x = LEFT + ((WIDTH - w) / 2 if style.centred else indent)
            self.page.text(x, y, style.size, line)
            y -= style.leading

    def spacer(self, height: float) -> None:
        if self.y - height < BOTTOM - _FUZZ:
            self.next_page()
        self._placed(self.y, height, 0.0)

    def table(self, rows: list[list[str]]) -> None:
        """A ruled table with equal columns; split between rows, the header row repeated."""
        ncols = max(len(r) for r in rows)
        cw = TABLE_WIDTH / ncols
        inner = cw - 2 * CELL_PAD_X
        cells = [[wrap(c, CELL.size, inner, inner) for c in r] for r in rows]
        heights = [max((len(c) for c in r), default=0) * CELL.leading + 2 * CELL_PAD_Y for r in cells]
        pending = list(range(len(rows)))
        while pending:
            avail = self.y - BOTTOM + _FUZZ
            take, used = 0, 0.0
            for i in pending:
                if used + heights[i] > avail:
                    break
                used += heights[i]
                take += 1
            if take < len(pending) and take <= 1:  # not even the header and one row: next page
                if not self.at_top:
                    self.next_page()
                    continue
                take = min(2, len(pending))  # taller than a page: print it anyway
            part = pending[:take]
            self._draw_table([cells[i] for i in part], [heights[i] for i in part], ncols, cw)
            pending = pending[take:]
            if pending:
                self.next_page()
                pending.insert(0, 0)  # the header row again on the next page

    def _draw_table(self, rows: list[list[list[Line]]], heights: list[float], ncols: int, cw: float) -> None:
        page = self.page
        top = self.y
        x0 = LEFT + (WIDTH - TABLE_WIDTH) / 2
        x1 = x0 + TABLE_WIDTH
        page.line(x0, top, x1, top)
        y = top
        for row, h in zip(rows, heights, strict=True):
            rb = y - h
            for j, lines in enumerate(row):
                if not lines:
                    continue
                ch = len(lines) * CELL.leading
                base = rb + CELL_PAD_Y + (h - 2 * CELL_PAD_Y - ch) / 2 + ch - CELL.size
                for line in lines:
                    page.text(x0 + j * cw + CELL_PAD_X, base, CELL.size, line.text)
                    base -= CELL.leading
            page.line(x0, rb, x1, rb)
            y = rb
        for j in range(ncols + 1):
            page.line(x0 + j * cw, y, x0 + j * cw, top)
        self._placed(top, top - y, 0.0)
