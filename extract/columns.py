"""What a table column holds, from its header: executed, planned, another year, a change, a share.

Why: a table row `基本支出 | 860.64 | 845.20 | 98.2%` holds several figures, and only the header
row (预算数 | 决算数 | 完成率) says which is the executed one. Reports from different provinces word
the headers differently (决算数 / 本年决算 / 实际支出 / 执行数 / 金额; 年初预算 / 调整预算 / 预算数;
上年数 / 上年决算; 增减 / 增长率; 占比), so the words are data (`labels.yaml` `_columns`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from .labels import catalog
from .tables import Row

EXECUTED, PLANNED, OTHER_YEAR, CHANGE, SHARE, NAME = "executed", "planned", "other_year", "change", "share", "name"
_YEAR = re.compile(r"(\d{4})\s*年")


@lru_cache(maxsize=1)
def _rules() -> list[tuple[str, re.Pattern[str]]]:
    return [(kind, re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True)))))
            for kind, words in catalog().rules.get("columns", [])]


def column_kind(header: str, fiscal_year: int | None = None) -> str | None:
    """The kind of one header cell's column, or None when the header does not say."""
    h = re.sub(r"\s+", "", header)
    if not h:
        return None
    if fiscal_year:
        for m in _YEAR.finditer(h):
            if int(m.group(1)) != fiscal_year:
                return OTHER_YEAR
    for kind, rx in _rules():
        if rx.search(h):
            return kind
    return None


def is_header_row(row: Row, fiscal_year: int | None = None) -> bool:
    """A row of header words: no number cells, and at least one cell of a known money kind."""
    texts = [c.text for c in row.cells if c.text]
    if not texts or any(re.fullmatch(r"[\d.,\s%-]+", t) for t in texts):
        return False
    kinds = [column_kind(t, fiscal_year) for t in texts]
    return any(k in (EXECUTED, PLANNED, OTHER_YEAR, CHANGE) for k in kinds)


def header_above(text: str, rows: list[Row], k: int, fiscal_year: int | None = None,
                 max_up: int = 60, memo: dict[int, bool] | None = None) -> Row | None:
    """The header row of the table row k: the nearest header row above it in the same table
    (rows on consecutive lines, nothing but whitespace between them).

    `memo` (row index → is a header row) spares a caller that asks for many rows of the same
    table, with the same rows and year, testing each row again."""
    j = k
    while j > 0 and k - j < max_up:
        prev, cur = rows[j - 1], rows[j]
        if prev.flattened or cur.flattened or text[prev.end:cur.start].strip():
            return None
        j -= 1
        if memo is None:
            is_header = is_header_row(rows[j], fiscal_year)
        else:
            is_header = memo.get(j)
            if is_header is None:
                is_header = memo[j] = is_header_row(rows[j], fiscal_year)
        if is_header:
            return rows[j]
    return None
