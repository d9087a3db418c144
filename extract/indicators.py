"""Performance indicator rows (绩效指标表: 一级/二级/三级指标, 指标值, 实际完成值).

Works on tab rows and on tables flattened one cell per line; an empty level cell is a merged
cell and inherits the level above it.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from . import flattened
from .numbers import parse_target
from .tables import Row, table_rows
from .textutil import snippet, squeeze

_TARGET_HDR = re.compile(r"预期|目标值|指标值|年度指标|计划|预计")
_ACTUAL_HDR = re.compile(r"实际|完成值|完成情况|实现值")


_COMPARATOR_FORMS = str.maketrans({"≧": "≥", "≦": "≤"})


def _comparators(s: str) -> str:
    """≧/≦ (Big5 has no ≥/≤) are the same comparators as ≥/≤."""
    return s.translate(_COMPARATOR_FORMS)


def _header(row: Row) -> dict[str, int] | None:
    texts = [c.text for c in row.cells]
    idx: dict[str, int] = {}
    for i, t in enumerate(texts):
        if "一级指标" in t and "l1" not in idx:
            idx["l1"] = i
        elif "二级指标" in t and "l2" not in idx:
            idx["l2"] = i
        elif "三级指标" in t and "l3" not in idx:
            idx["l3"] = i
    if "l3" not in idx or ("l1" not in idx and "l2" not in idx):
        return None
    for i, t in enumerate(texts):
        if i <= idx["l3"]:
            continue
        if _ACTUAL_HDR.search(t) and "actual" not in idx:
            idx["actual"] = i
        elif _TARGET_HDR.search(t) and "target" not in idx:
            idx["target"] = i
    if "target" not in idx and "actual" not in idx:
        return None
    return idx


def _levels_fit(cells: list, hdr: dict[str, int]) -> bool:
    """Level cells blank or framework words, and a printed name that is not one."""
    def t(key: str) -> str:
        i = hdr.get(key)
        return squeeze(cells[i].text).replace(" ", "") if i is not None and i < len(cells) else ""
    l3 = t("l3")
    return (bool(l3) and not flattened.is_level_word(l3)
            and all(not t(k) or flattened.is_level_word(t(k)) for k in ("l1", "l2")))


def _project_name_before(rows: list[Row], k: int) -> str | None:
    for j in range(k - 1, max(-1, k - 12), -1):
        cells = rows[j].cells
        for i, c in enumerate(cells):
            if c.text.replace(" ", "") in ("项目名称", "项目名称:") and i + 1 < len(cells) and cells[i + 1].text:
                return squeeze(cells[i + 1].text)
    return None


_SPACED_NUMBER = re.compile(r"(?P<pre>[^\d\s]{0,4})(?P<num>\d(?:\s?\d)*(?:\.\d+)?)\s*(?P<unit>[^\d\s.]{0,4})")


def _layout_digits(t: str) -> str:
    """`2 40人次` / `≥7 41人` (layout spaces inside one printed number, PDF and copied web text) →
    `240人次` / `≥741人`; only when the cell is one number with at most a short prefix and unit."""
    m = _SPACED_NUMBER.fullmatch(t)
    if m is None or " " not in t or sum(ch.isdigit() for ch in m.group("num")) < 3:
        return t
    return m.group("pre") + m.group("num").replace(" ", "") + m.group("unit")


def _project_name_before_lines(ls: list[flattened.Line], h: int) -> str | None:
    """项目名称 / X printed one cell per line shortly above a flattened indicator header."""
    words = flattened.specs()["indicators"].columns
    for j in range(h - 1, max(-1, h - 30), -1):
        if ls[j].text.replace(" ", "").rstrip(":") == "项目名称":
            nxt = next((x for x in ls[j + 1:h] if x.text), None)
            if nxt is not None and nxt.cell and flattened.plain_cell(nxt.text) \
                    and flattened._norm(nxt.text) not in words:
                return squeeze(nxt.text)
            return None
    return None


def _flat_indicators(text: str, skip: list[tuple[int, int]], warnings: list | None) -> list[dict]:
    tabs, warns = flattened.tables("indicators", text, skip=skip)
    if warnings is not None:
        warnings.extend(warns)
    out: list[dict] = []
    if not tabs:
        return out
    ls = flattened.lines(text)
    starts = [ln.start for ln in ls]
    for tab in tabs:
        pname = _project_name_before_lines(ls, bisect_right(starts, tab.start) - 1)
        l1 = l2 = None
        for cells in tab.rows:
            def cell(key: str, cells=cells) -> str:
                ln = cells.get(key)
                return squeeze(ln.text) if ln is not None else ""

            l1 = cell("level1").replace(" ", "") or l1
            l2 = cell("level2").replace(" ", "") or l2
            l3 = cell("level3")
            tt, at = _comparators(_layout_digits(cell("target"))), _comparators(_layout_digits(cell("actual")))
            tv, tu = parse_target(tt)
            av, au = parse_target(at)
            printed = [ln for ln in cells.values() if ln.text]
            s, e = printed[0].start, printed[-1].end
            out.append({
                "project_name": pname, "level1": l1, "level2": l2, "level3": l3 or None,
                "target_text": tt or None, "actual_text": at or None,
                "target_value": tv, "actual_value": av, "unit": tu or au,
                "span": [s, e], "page": None, "snippet": snippet(text, s, min(e, s + 60)),
            })
    return out


def indicators(text: str, rows: list[Row] | None = None, warnings: list | None = None) -> list[dict]:
    """Indicator rows of TAB tables, then of tables flattened one cell per line (`flattened.py`).

    `warnings` (optional) receives a `flattened_table_unaligned` warning for each flattened
    table that was not read because its cells do not line up.
    """
    rows = table_rows(text) if rows is None else rows
    out: list[dict] = []
    read: list[tuple[int, int]] = []  # header rows whose table gave rows
    k = 0
    while k < len(rows):
        hdr = _header(rows[k])
        if hdr is None:
            k += 1
            continue
        n_before = len(out)
        hdr_span = (rows[k].start, rows[k].end + 1)
        pname = _project_name_before(rows, k)
        width = len(rows[k].cells)
        l1 = l2 = None
        k += 1
        prev_end = rows[k - 1].end
        while k < len(rows):
            row = rows[k]
            if text[prev_end:row.start].strip() or len(row.cells) < max(hdr.values()) + 1 - 0 or _header(row):
                break
            if len(row.cells) > width + 1:
                break
            cells = row.cells
            if len(cells) == width + 1 and not cells[0].text:
                # one cell more than the header, the first empty: a margin cell the header does not
                # have, or an unnamed last column — read the way whose level cells fit, else stop
                ok = [_levels_fit(c, hdr) for c in (cells, cells[1:])]
                if ok == [False, True]:
                    cells = cells[1:]
                elif ok != [True, False]:
                    break

            def cell(key: str, cells=cells, hdr=hdr) -> str:
                i = hdr.get(key)
                return squeeze(cells[i].text) if i is not None and i < len(cells) else ""

            l1 = cell("l1") or l1
            l2 = cell("l2") or l2
            l3 = cell("l3")
            if flattened.is_level_word(l3):
                break  # the columns are not where the header says: a level word as the name
            tt, at = _comparators(cell("target")), _comparators(cell("actual"))
            prev_end = row.end
            k += 1
            if not l3 and not tt and not at:
                continue
            tv, tu = parse_target(tt)
            av, au = parse_target(at)
            first = next((c for c in cells if c.text), cells[0])
            s, e = first.start, cells[-1].end
            out.append({
                "project_name": pname, "level1": l1, "level2": l2, "level3": l3 or None,
                "target_text": tt or None, "actual_text": at or None,
                "target_value": tv, "actual_value": av, "unit": tu or au,
                "span": [s, e], "page": None, "snippet": snippet(text, s, min(e, s + 60)),
            })
        if len(out) > n_before:
            read.append(hdr_span)
    out.extend(_flat_indicators(text, read, warnings))
    return out
