"""Performance indicator rows (绩效指标表: 一级/二级/三级指标, 指标值, 实际完成值).

Works on tab rows and on tables flattened one cell per line; an empty level cell is a merged
cell and inherits the level above it.
"""

from __future__ import annotations

import re

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


def _project_name_before(rows: list[Row], k: int) -> str | None:
    for j in range(k - 1, max(-1, k - 12), -1):
        cells = rows[j].cells
        for i, c in enumerate(cells):
            if c.text.replace(" ", "") in ("项目名称", "项目名称:") and i + 1 < len(cells) and cells[i + 1].text:
                return squeeze(cells[i + 1].text)
    return None


def indicators(text: str, rows: list[Row] | None = None) -> list[dict]:
    rows = table_rows(text) if rows is None else rows
    out: list[dict] = []
    k = 0
    while k < len(rows):
        hdr = _header(rows[k])
        if hdr is None:
            k += 1
            continue
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

            def cell(key: str, cells=cells, hdr=hdr) -> str:
                i = hdr.get(key)
                return squeeze(cells[i].text) if i is not None and i < len(cells) else ""

            l1 = cell("l1") or l1
            l2 = cell("l2") or l2
            l3 = cell("l3")
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
    return out
