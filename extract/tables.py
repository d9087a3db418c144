"""Table rows recovered from the normalised text, in both shapes the reader produces.

* one row per line, cells joined by TAB (`label\\tvalue\\tvalue`);
* flattened: one cell per line, each line starting with TAB, rows separated by a blank line
  (sample 003's 项目绩效目标完成情况表). Empty cell lines stand for merged cells.

Cells keep offsets into the text so that values taken from them have spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import units

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


def table_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    block: list[Cell] = []
    block_start = 0
    pos = 0
    lines = text.split("\n")

    def flush(end: int) -> None:
        nonlocal block
        if block:
            prev_nl = text.rfind("\n", 0, max(0, block_start - 1))
            rows.extend(_rechunk(block, block_start, end, text[prev_nl + 1:max(0, block_start - 1)]))
            block = []

    for line in lines:
        off = pos
        pos += len(line) + 1
        if "\t" not in line:
            flush(off)
            continue
        if line.startswith("\t") and line.count("\t") == 1:
            # a flattened cell: one per line
            if not block:
                block_start = off
            s = off + 1 + (len(line) - 1 - len(line[1:].lstrip()))
            block.append(Cell(line[1:].strip(), s, s + len(line[1:].strip())))
            continue
        flush(off)
        rows.append(Row(_split_tabs(line, off), off, off + len(line), False))
    flush(len(text))
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
