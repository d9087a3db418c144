"""Function-classification line items (类/款/项) from prose and from coded table rows.

Prose: `科学技术支出（类）科学技术管理事务（款）行政运行（项）：支出决算为 285.44 万元，完成预算 100%`;
a line naming only the 项 inherits 类 and 款 from the line before. Tables: rows whose first
cell is a 3/5/7-digit code. A line printed twice stays two rows (fields.md §5.6).
"""

from __future__ import annotations

import re

from .classification import name_of, resolve_code
from .numbers import NUMBER_RE, money_factor, ratio, to_num, unit_after, yuan
from .tables import header_unit, table_rows
from .textutil import snippet, squeeze

_MARKER = re.compile(r"(?P<name>[^()（）:;,。、%\d\t]{0,40}?)\s*\((?P<lvl>类|款|项目|项)\)")
_MARKER_TAIL = re.compile(r"\((?:类|款|项目|项)\)")


def _markers(text: str) -> list[re.Match[str]]:
    """_MARKER matches, found from the rare "(类)" tokens backwards (the lazy name scan is costly)."""
    out = []
    last_end = 0
    for t in _MARKER_TAIL.finditer(text):
        lo = max(last_end, t.start() - 48)
        m = None
        for m2 in _MARKER.finditer(text, lo, t.end()):
            if m2.end() == t.end():
                m = m2
                break
        if m is not None:
            out.append(m)
            last_end = m.end()
    return out
_LEAD = re.compile(r"^[\s.、．)）]*")
_AMOUNT = re.compile(r"\s*:?\s*(?:支出决算数?|决算数?|支出|金额|决算支出)?\s*(?:为|是)?\s*")
_RATE = re.compile(r"完成(?:调整)?预算(?:数)?(?:的)?\s*(\d+(?:\.\d+)?)\s*%")
_BUDGET = re.compile(r"(?:年初)?预算(?:数)?\s*(?:为|是)?\s*(\d+(?:\.\d+)?)\s*(亿元|万元|元)")
_SEG_END = re.compile(r"[;。\n]")


def _clean_name(text: str, m: re.Match[str]) -> tuple[str, int]:
    """Printed name before a marker; a page break inside a name (事\\n\\n业单位医疗) is joined."""
    raw = m.group("name")
    start = m.start("name")
    if "\n" in raw:
        parts = raw.split("\n")
        first = parts[0].strip()
        if len(first) <= 3 and first and (m.start() == 0 or text[m.start() - 1] in ";。:,"):
            raw_join = "".join(p.strip() for p in parts)
            return _LEAD.sub("", raw_join), start
        last = parts[-1]
        start = m.end("name") - len(last)
        raw = last
    lead = _LEAD.match(raw)
    return squeeze(raw[lead.end():]), start + lead.end()


def prose_line_items(text: str) -> list[dict]:
    items: list[dict] = []
    cls = sec = None
    chain_start = None
    markers = _markers(text)
    for i, m in enumerate(markers):
        name, nstart = _clean_name(text, m)
        lvl = m.group("lvl")
        nxt = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        if lvl == "类":
            cls, sec, chain_start = name or None, None, nstart
            continue
        if lvl == "款":
            if chain_start is None or m.start() - (markers[i - 1].end() if i else 0) > 2:
                chain_start = nstart
            sec = name or None
            continue
        # 项: the line ends here; the amount follows
        if chain_start is None or (i and m.start() - markers[i - 1].end() > 2):
            chain_start = nstart
        item = name or None
        seg_end_m = _SEG_END.search(text, m.end(), nxt)
        seg_end = seg_end_m.start() if seg_end_m else nxt
        am = _AMOUNT.match(text, m.end(), seg_end)
        nm = NUMBER_RE.match(text, am.end(), seg_end) if am else None
        n = to_num(nm) if nm else None
        start_line = chain_start
        chain_start = None
        if n is None or item is None:
            continue
        unit, uend = unit_after(text, n.end, seg_end)
        if unit is None or money_factor(unit) is None:
            continue
        rest = text[uend:seg_end]
        rm = _RATE.search(rest)
        bm = _BUDGET.search(rest)
        end = uend + (rm.end() if rm else 0)
        items.append({
            "class": cls, "section": sec, "item": item,
            "code": resolve_code(cls, sec, item),
            "amount": yuan(n.value, unit),
            "budget_amount": yuan(float(bm.group(1)), bm.group(2)) if bm else None,
            "completion_rate": ratio(float(rm.group(1))) if rm else None,
            "name_as_printed": squeeze(text[start_line:m.end()]).replace("\n", ""),
            "span": [start_line, end], "page": None, "snippet": snippet(text, start_line, end),
        })
    return items


_CODE_CELL = re.compile(r"^(\d{7}|\d{5}|\d{3})\s*([\u4e00-\u9fff].*)?$")


def table_line_items(text: str) -> list[dict]:
    """Rows `2060101<TAB>行政运行<TAB>285.44…` of a 支出决算 table; the unit from its header."""
    items: list[dict] = []
    names: dict[str, str] = {}
    for row in table_rows(text):
        cells = [c for c in row.cells if c.text.strip()]
        if len(cells) < 2:
            continue
        m = _CODE_CELL.match(cells[0].text.strip())
        if not m:
            continue
        code = m.group(1)
        rest = cells[1:]
        name = squeeze(m.group(2) or "")
        if not name and rest and not NUMBER_RE.fullmatch(rest[0].text.strip()):
            name = squeeze(rest[0].text)
            rest = rest[1:]
        if not name:
            continue
        names[code] = name
        if len(code) != 7 or not rest:
            continue
        nm = NUMBER_RE.fullmatch(rest[0].text.strip())
        if not nm:
            continue
        n = to_num(nm)
        unit = header_unit(text, rest[0].start)
        if n is None or unit is None:
            continue
        t_cls, t_sec, _ = name_of(code)
        s, e = cells[0].start, rest[0].end
        items.append({
            "class": names.get(code[:3]) or t_cls, "section": names.get(code[:5]) or t_sec, "item": name,
            "code": code, "amount": yuan(n.value, unit), "budget_amount": None, "completion_rate": None,
            "name_as_printed": name, "span": [s, e], "page": None, "snippet": snippet(text, s, e),
        })
    return items


def line_items(text: str) -> list[dict]:
    """Prose lines when the report explains them; else the coded table rows."""
    return prose_line_items(text) or table_line_items(text)
