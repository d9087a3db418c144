"""Table rows recovered from the normalised text, in both shapes the reader produces.

* one row per line, cells joined by TAB (`label\\tvalue\\tvalue`);
* flattened: one cell per line, each line starting with TAB, rows separated by a blank line
  (sample 003's 项目绩效目标完成情况表). Empty cell lines stand for merged cells.

Cells keep offsets into the text so that values taken from them have spans.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .numbers import units
from .textutil import per_text

_HEADER_UNIT = [re.compile(p) for p in units()["header_patterns"]]


@dataclass
class Cell:
    text: str
    start: int
    end: int


@dataclass
class Row:
    cells: list[Cell]
    start: int
    end: int
    flattened: bool


def _split_tabs(line: str, off: int) -> list[Cell]:
    cells = []
    pos = 0
    for part in line.split("\t"):
        lead = len(part) - len(part.lstrip())
        s = off + pos + lead
        cells.append(Cell(part.strip(), s, s + len(part.strip())))
        pos += len(part) + 1
    return cells


# a header cell of the tables these reports print (the whole cell, units in brackets removed)
_HEADER_CELL = re.compile(
    r"(?:[一二三四]级指标|指标名称|指标|\S{0,6}指标值|\S{0,4}完成值|完成情况|实际完成\S{0,4}|年度目标\S{0,4}"
    r"|目标值|项目|项目名称|科目编码|科目名称|科目代码|功能分类科目\S{0,4}|收入项目|支出项目|金额|\S{0,4}预算数"
    r"|\S{0,4}决算数|\S{0,4}执行数|执行率|预算执行率|自评得分|评价等级|得分|分值|权重|合计|上年数|本年数|备注|序号"
    r"|资金来源|绩效目标|评价结果)"
)
_NUM = re.compile(r"\s*\d[\d,. ]*\s*")
_UNIT_BRACKET = re.compile(r"[(（]\s*(?:亿元|万元|千元|元|%)\s*[)）]")


def _is_header_cell(t: str) -> bool:
    t = _UNIT_BRACKET.sub("", t).replace(" ", "")
    return bool(t) and len(t) <= 12 and _HEADER_CELL.fullmatch(t) is not None


def _rechunk(cells: list[Cell], start: int, end: int, before: str = "") -> list[Row]:
    """A table flattened one cell per line into one block: rows of the header's width.

    The header is the run of leading header cells (一级指标 | 二级指标 | … / 科目编码 | 科目名称 |
    决算数); the block is cut into rows of that width only when its length is a multiple of it,
    else it stays one flattened row (blank-line separated layouts already give one row per block).
    """
    k = 0
    while k < len(cells) and _is_header_cell(cells[k].text):
        k += 1
    # the line before the block is a header cell too (a first cell printed without its TAB): the
    # header's width is unknown, the block stays as it is
    if k < 2 or _is_header_cell(before.strip()) or len(cells) < 2 * k or len(cells) % k:
        return [Row(cells, start, end, True)]
    # no column mixes bare numbers with texts without any digit below the header (a wrong width
    # puts labels and figures in one column); 2117人, ≥93% go with either
    for j in range(k):
        col = [cells[i].text for i in range(k + j, len(cells), k) if cells[i].text]
        if any(_NUM.fullmatch(t) for t in col) and any(not any(ch.isdigit() for ch in t) for t in col):
            return [Row(cells, start, end, True)]
    out = []
    for i in range(0, len(cells), k):
        part = cells[i : i + k]
        out.append(Row(part, part[0].start, part[-1].end, False))
    return out


# A function-classification table printed one cell per line without TABs (copied from a web page,
# a PDF or sheet flattened by the reader): a header run that opens with the code column
# (科目编码 | 科目名称 | 决算数 …), then rows that each open with a 3/5/7-digit code, a name and one
# figure per remaining header column. The code anchors every row; the table ends at the first line
# that does not open a row (合计, a sentence). A row that opens with a code but does not fit (a
# name wrapped onto two lines, a figure missing) means the cells drifted: the whole table is left
# out rather than read shifted.
_CODE_HEADER = re.compile(r"科目编码|科目代码")
_CODE_LINE = re.compile(r"\d{3}(?:\d{2}){0,2}")
_FIGURE_LINE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?%?|\d+(?:\.\d+)?%?|[-—–]+")
_NAME_LINE = re.compile(r"[^\d\t]*[\u4e00-\u9fff][^\d\t]*")
# a PDF reader may run a long name into the figure beside it (机关事业单位基本养老保险缴费支出18.61):
# a name never ends in a figure, so the two cells are told apart where the digits begin
_NAME_FIGURE = re.compile(r"([^\d\t]*[\u4e00-\u9fff)）])\s*(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+)")


@per_text
def _plain_lines(text: str) -> list[tuple[str, int, int]]:
    """Lines as (cell text, start, end); a line with one leading TAB is a cell too (a sheet's
    one-column table), a line with TABs between cells is a row ("\t")."""
    out: list[tuple[str, int, int]] = []
    append = out.append
    pos = 0
    for raw in text.split("\n"):
        n = len(raw)
        if "\t" not in raw or (raw.count("\t") == 1 and raw.lstrip(" ").startswith("\t")):
            body = raw.strip()
            s = pos + n - len(raw.lstrip())
            append((body, s, s + len(body)))
        else:
            append(("\t", pos, pos + n))
        pos += n + 1
    return out


def _code_table_rows(text: str) -> list[Row]:
    if "科目" not in text:
        return []
    ls = _plain_lines(text)
    out = _code_tables_in(ls, lambda i: _tabbed(text)[i])
    # a whole table on one line, cells separated by spaces (a web page or a one-column sheet whose
    # cells were joined): its tokens are the cells
    for t, s0, _e in ls:
        if t.startswith(("科目编码 ", "科目代码 ")) and len(t) > 40:
            out.extend(_code_tables_in([(m.group(0), s0 + m.start(), s0 + m.end()) for m in re.finditer(r"\S+", t)]))
    return sorted(out, key=lambda r: r.start)


@per_text
def _tabbed(text: str) -> list[bool]:
    """Per line: does it open with a TAB (after spaces)? Asked only where a table header stands."""
    return [raw.lstrip(" ").startswith("\t") for raw in text.split("\n")]


def _code_tables_in(ls: list[tuple[str, int, int]], tabbed: Callable[[int], bool] | None = None) -> list[Row]:
    out: list[Row] = []
    i, n = 0, len(ls)
    while i < n:
        t = ls[i][0]
        # a header opening with its own TAB belongs to a TAB-flattened block (_rechunk reads it)
        if t[:1] != "科" or not _CODE_HEADER.fullmatch(t.replace(" ", "")) or (tabbed is not None and tabbed(i)):
            i += 1
            continue
        j = i
        head: list[int] = []
        while j < n:
            if ls[j][0] == "" and j + 1 < n and head and _is_header_cell(ls[j + 1][0]):
                j += 1  # a page break between two header cells
            if ls[j][0] in ("", "\t") or not _is_header_cell(ls[j][0]):
                break
            head.append(j)
            j += 1
        k = len(head)
        r = j
        while r < n and r - j < 2 and ls[r][0] == "":
            r += 1
        if k < 3 or not _CODE_LINE.fullmatch(ls[r][0] if r < n else ""):
            i = max(j, i + 1)
            continue
        rows = [Row([Cell(*ls[x]) for x in head], ls[i][1], ls[head[-1]][2], False)]
        # rows are read in order from the header, each checked cell by cell; at the first row that
        # does not fit (a figure lost at a page break, a name wrapped onto two lines) the reading
        # stops: the rows before it stand, nothing after it is guessed
        while r < n:
            while r < n and ls[r][0] == "" and r + 1 < n and _CODE_LINE.fullmatch(ls[r + 1][0]):
                r += 1  # a blank line between two rows (a page break)
            if r >= n or not _CODE_LINE.fullmatch(ls[r][0]):
                break
            got = _code_row(ls, r, k)
            if got is None:
                break
            cells, r = got
            rows.append(Row([Cell(*c) for c in cells], cells[0][1], cells[-1][2], False))
        if len(rows) > 1:
            out.extend(rows)
        i = max(r, j)
    return out


def _code_row(ls: list[tuple[str, int, int]], r: int, k: int):
    """The row of k cells opening with the code at line r → (cells, next line), or None. In a
    three-column table (code, name, figure: no cell may be empty, each of its own kind) a blank
    line inside the row is a page break, not a cell."""
    cells = [ls[r]]
    x, n = r + 1, len(ls)
    while len(cells) < k:
        blanks = 0
        while k == 3 and x < n and ls[x][0] == "" and blanks < 2:
            x, blanks = x + 1, blanks + 1
        if x >= n:
            return None
        t, s0, _e0 = ls[x]
        m = _NAME_FIGURE.fullmatch(t) if k == 3 and len(cells) == 1 else None
        if m:
            cells += [(m.group(1), s0, s0 + m.end(1)), (m.group(2), s0 + m.start(2), s0 + m.end(2))]
        else:
            cells.append(ls[x])
        x += 1
    if not _NAME_LINE.fullmatch(cells[1][0]) or not all(_FIGURE_LINE.fullmatch(c[0].replace(" ", ""))
                                                         for c in cells[2:]):
        return None
    # a lost figure: the next row's code taken for this row's figure (…支出 / 2080501 / 行政运行)
    if _CODE_LINE.fullmatch(cells[-1][0]) and x < n and _NAME_LINE.fullmatch(ls[x][0]):
        return None
    return cells, x


# A table whose columns are named by the row labels (项目 | 合计 | 因公出国（境）费 | … over
# 决算数 | 16.08 | 0 | …: the 三公 table), printed one cell per line or one line of space-separated
# cells: the header runs from 项目 to the first row label of a figure kind; each such row must then
# hold exactly one figure per header column, read in order up to a line that is not a figure. A blank
# line between two figures is a page break (an empty cell would leave a figure too few).
_KIND_LABEL = re.compile(r"(?:本年|全年)?(?:决算|预算|执行|实际支出|实际)数?|年初预算数?|调整预算数?")
_TRANSPOSED_HEAD = frozenset(("项目", "科目", "项目名称"))  # a whole line


def _transposed_in(ls: list[tuple[str, int, int]]) -> list[Row]:
    out: list[Row] = []
    n = len(ls)
    i = 0
    while i < n:
        if ls[i][0] not in _TRANSPOSED_HEAD:
            i += 1
            continue
        j = i + 1
        while (j < n and j - i <= 9 and ls[j][0] not in ("", "\t") and not _KIND_LABEL.fullmatch(ls[j][0])
               and not _FIGURE_LINE.fullmatch(ls[j][0].replace(" ", "")) and len(ls[j][0]) <= 24):
            j += 1
        k = j - i
        if k < 3 or j >= n or not _KIND_LABEL.fullmatch(ls[j][0]):
            i += 1
            continue
        rows = [Row([Cell(*ls[x]) for x in range(i, j)], ls[i][1], ls[j - 1][2], False)]
        r = j
        while r < n and _KIND_LABEL.fullmatch(ls[r][0]):
            cells = [ls[r]]
            x = r + 1
            while x < n and len(cells) < k:
                if ls[x][0] == "" and x + 1 < n and _FIGURE_LINE.fullmatch(ls[x + 1][0].replace(" ", "")):
                    x += 1  # a page break between two figures
                    continue
                if not _FIGURE_LINE.fullmatch(ls[x][0].replace(" ", "")):
                    break
                cells.append(ls[x])
                x += 1
            nxt = ls[x][0].replace(" ", "") if x < n else ""
            if len(cells) != k or _FIGURE_LINE.fullmatch(nxt):
                rows = rows[:1]
                break
            rows.append(Row([Cell(*c) for c in cells], cells[0][1], cells[-1][2], False))
            r = x
            while r < n and ls[r][0] == "" and r + 1 < n and _KIND_LABEL.fullmatch(ls[r + 1][0]):
                r += 1
        if len(rows) > 1:
            out.extend(rows)
        i = max(r, i + 1)
    return out


def _transposed_rows(text: str) -> list[Row]:
    if "项目" not in text and "科目" not in text:
        return []
    ls = _plain_lines(text)
    out = [r for r in _transposed_in(ls) if not _tabbed(text)[text.count("\n", 0, r.start)]]
    for t, s0, _e in ls:
        if t.startswith(("项目 ", "科目 ")) and len(t) > 20:
            out.extend(_transposed_in([(m.group(0), s0 + m.start(), s0 + m.end()) for m in re.finditer(r"\S+", t)]))
    return out


def table_rows(text: str) -> list[Row]:
    rows = _tab_rows(text)
    code_rows = _code_table_rows(text) + _transposed_rows(text)
    if code_rows:
        # a TAB-flattened block the code table already read as rows (its header cell printed
        # without the TAB) is not kept beside them
        covered = [(r.start, r.end) for r in code_rows]
        rows = [r for r in rows if not (r.flattened and any(s <= r.start < e or r.start <= s < r.end
                                                             for s, e in covered))]
        rows = sorted(rows + code_rows, key=lambda r: r.start)
    return rows


def _tab_rows(text: str) -> list[Row]:
    """Rows of the lines that hold a TAB (found from the TABs: most lines of a report hold none);
    lines of one cell each (a leading TAB) gather into a block that `_rechunk` reads, and a line
    without a TAB ends the block."""
    rows: list[Row] = []
    block: list[Cell] = []
    block_start = 0
    n = len(text)

    def flush(end: int) -> None:
        nonlocal block
        if block:
            prev_nl = text.rfind("\n", 0, max(0, block_start - 1))
            rows.extend(_rechunk(block, block_start, end, text[prev_nl + 1:max(0, block_start - 1)]))
            block = []

    prev_end = -1  # end of the last TAB line read
    t = text.find("\t")
    while t >= 0:
        off = text.rfind("\n", 0, t) + 1
        end = text.find("\n", t)
        end = n if end < 0 else end
        if block and off > prev_end + 1:
            flush(prev_end + 1)  # a line without a TAB between: the line after the last TAB line
        line = text[off:end]
        if line.startswith("\t") and line.count("\t") == 1:
            # a flattened cell: one per line
            if not block:
                block_start = off
            s = off + 1 + (len(line) - 1 - len(line[1:].lstrip()))
            block.append(Cell(line[1:].strip(), s, s + len(line[1:].strip())))
        else:
            flush(off)
            rows.append(Row(_split_tabs(line, off), off, off + len(line), False))
        prev_end = end
        t = text.find("\t", end)
    flush(prev_end + 1 if 0 <= prev_end < n else n)
    return rows


def header_unit(text: str, pos: int, window: int = 3000) -> str | None:
    """The unit a table header above pos sets for bare numbers (单位：万元, 预算执行情况(万元))."""
    lo = max(0, pos - window)
    best, best_pos = None, -1
    for rx in _HEADER_UNIT:
        for m in rx.finditer(text, lo, pos):
            if m.start() > best_pos:
                best, best_pos = m.group(1), m.start()
    return best
