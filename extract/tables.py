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


def table_rows(text: str) -> list[Row]:
    rows: list[Row] = []
    block: list[Cell] = []
    block_start = 0
    pos = 0
    lines = text.split("\n")

    def flush(end: int) -> None:
        nonlocal block
        if block:
            rows.append(Row(block, block_start, end, True))
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
