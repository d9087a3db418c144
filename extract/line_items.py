"""Function-classification line items (类/款/项) from prose and from coded table rows.

Prose: `科学技术支出（类）科学技术管理事务（款）行政运行（项）：支出决算为 285.44 万元，完成预算 100%`;
a line naming only the 项 inherits 类 and 款 from the line before. Tables: rows whose first
cell is a 3/5/7-digit code. A line printed twice stays two rows (fields.md §5.6).
"""

from __future__ import annotations

import re

from .classification import code_matches_names, name_of, official_class_name, resolve_code
from .columns import EXECUTED, PLANNED, SHARE, column_kind, header_above
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
        # where a scan of the window would find the match: the lazy name stops at the white space
        # before the marker and reaches back over name characters, at most 40
        e = t.start()
        while e > lo and text[e - 1].isspace():
            e -= 1
        s = e
        while s > lo and e - s < 40 and text[s - 1] not in _NOT_NAME and not text[s - 1].isdecimal():
            s -= 1
        m = _MARKER.match(text, s, t.end())
        if m is not None and m.end() == t.end():
            out.append(m)
            last_end = m.end()
    return out


_NOT_NAME = frozenset("()（）:;,。、%\t")  # what _MARKER's name may not hold, besides digits
_LEAD = re.compile(r"^[\s.、．)）]*")
_SEG_END = re.compile(r"[;。\n]")
_PRINTED_CODE = re.compile(r"(?<!\d)(\d{7})\s*$")


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


def _line_values(text: str, pos: int, seg_end: int, planned_report: bool):
    """(amount, budget, completion rate, end) of one 项 line's segment, each number named by the
    words before it: 年初预算为X → budget, 支出决算Y → amount, 完成(年初)预算的Z% → rate; changes
    (比上年增加…) and other years are skipped. In a budget report the planned figure is the amount."""
    amount = budget = rate = None
    end = pos
    last = pos
    for nm in NUMBER_RE.finditer(text, pos, seg_end):
        n = to_num(nm)
        if n is None:
            continue
        unit, uend = unit_after(text, n.end, seg_end)
        lead = text[last:n.start]
        last = uend
        if amount is None and budget is None and len(lead.strip()) > 14:
            break  # the line's figure must follow its name
        if unit == "%":
            if rate is None and "完成" in lead and not _CHANGE_WORDS.search(lead):
                rate, end = ratio(n.value), uend
            continue
        if unit is None or money_factor(unit) is None:
            break
        if _CHANGE_WORDS.search(lead) or _OTHER_YEAR_WORDS.search(lead):
            continue
        planned = bool(_PLAN_WORDS.search(lead)) and not _EXEC_WORDS.search(lead)
        if planned and not planned_report:
            if budget is None:
                budget = yuan(n.value, unit)
            continue
        if amount is None:
            amount, end = yuan(n.value, unit), uend
    return amount, budget, rate, end


_CHANGE_WORDS = re.compile(r"增加|减少|增长|下降|增减|比上年|较上年|同比|上升|降低")
_OTHER_YEAR_WORDS = re.compile(r"上年|去年|上一年")
_PLAN_WORDS = re.compile(r"预算|计划")
_EXEC_WORDS = re.compile(r"决算|实际|执行数|支出数")


def prose_line_items(text: str, planned_report: bool = False) -> list[dict]:
    items: list[dict] = []
    cls = sec = None
    chain_start = None
    markers = _markers(text)
    for i, m in enumerate(markers):
        name, nstart = _clean_name(text, m)
        lvl = m.group("lvl")
        nxt = markers[i + 1].start() if i + 1 < len(markers) else len(text)
        if lvl == "类":
            cls, sec, chain_start = official_class_name(name) or None, None, nstart
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
        if seg_end < nxt and text[seg_end] == "\n" and not text[m.end():seg_end].strip(" :："):
            # the 项 name ends its line and its figures open the next (a wrapped PDF line)
            nl = seg_end + 1
            seg_end_m = _SEG_END.search(text, nl, nxt)
            seg_end = seg_end_m.start() if seg_end_m else nxt
        start_line = chain_start
        chain_start = None
        if item is None:
            continue
        amount, budget, rate, end = _line_values(text, m.end(), seg_end, planned_report)
        if amount is None:
            continue
        # a code printed right before the 项 name (2080501行政单位离退休（项）) is the line's code
        pc = _PRINTED_CODE.search(text, max(0, nstart - 9), nstart)
        code = pc.group(1) if pc and code_matches_names(pc.group(1), cls, sec, item) else resolve_code(cls, sec, item)
        items.append({
            "class": cls, "section": sec, "item": item,
            "code": code,
            "amount": amount,
            "budget_amount": budget,
            "completion_rate": rate,
            "name_as_printed": squeeze(text[start_line:m.end()]).replace("\n", ""),
            "span": [start_line, end], "page": None, "snippet": snippet(text, start_line, end),
        })
    return items


_PCT_CELL = re.compile(r"\s*(\d+(?:\.\d+)?)\s*%\s*")
_CODE_CELL = re.compile(r"^(\d{7}|\d{5}|\d{3})\s*([\u4e00-\u9fff].*)?$")


def table_line_items(text: str, report_type: str | None = None, rows=None) -> list[dict]:
    """Rows `2060101<TAB>行政运行<TAB>285.44…` of a 支出决算 table; the unit from its header.

    With several figures in a row, the column header picks the executed one (预算数 | 决算数 |
    完成率); a planned column gives budget_amount, a rate column completion_rate. A row whose
    header does not say which figure is executed is left out.
    """
    items: list[dict] = []
    names: dict[str, str] = {}
    rows = table_rows(text) if rows is None else rows
    want = PLANNED if report_type == "budget" else EXECUTED
    header_rows: dict[int, bool] = {}
    for k, row in enumerate(rows):
        idx = [i for i, c in enumerate(row.cells) if c.text.strip()]
        if len(idx) < 2 or row.flattened:
            continue
        cells = row.cells
        m = _CODE_CELL.match(cells[idx[0]].text.strip())
        if not m:
            continue
        code = m.group(1)
        rest = idx[1:]
        name = squeeze(m.group(2) or "")
        if not name and rest and not NUMBER_RE.fullmatch(cells[rest[0]].text.strip()):
            name = squeeze(cells[rest[0]].text)
            rest = rest[1:]
        if not name:
            continue
        names[code] = name
        if len(code) != 7 or not rest:
            continue
        nums = [i for i in rest if NUMBER_RE.fullmatch(cells[i].text.strip())]
        if not nums:
            continue
        header = header_above(text, rows, k, memo=header_rows)
        kinds = {i: column_kind(header.cells[i].text) for i in nums} if header and len(header.cells) == len(cells) \
            else None
        if kinds is None:
            if len(nums) > 1:
                continue  # several figures, no header that says which is which
            pick, budget_i, rate_i = nums[0], None, None
        else:
            picks = [i for i in nums if kinds[i] == want] or (
                [i for i in nums if kinds[i] == EXECUTED] if want == PLANNED else [])
            if not picks:
                continue
            pick = picks[0]
            budget_i = next((i for i in nums if kinds[i] == PLANNED and i != pick), None)
            rate_i = next((i for i in rest if kinds.get(i, column_kind(header.cells[i].text)) == SHARE
                           and _PCT_CELL.fullmatch(cells[i].text)), None)
        n = to_num(NUMBER_RE.fullmatch(cells[pick].text.strip()))
        unit = header_unit(text, cells[pick].start)
        if n is None or unit is None:
            continue
        budget = rate = None
        if budget_i is not None:
            b = to_num(NUMBER_RE.fullmatch(cells[budget_i].text.strip()))
            budget = yuan(b.value, unit) if b else None
        if rate_i is not None:
            rate = ratio(float(_PCT_CELL.fullmatch(cells[rate_i].text).group(1)))
        t_cls, t_sec, _ = name_of(code)
        s, e = cells[idx[0]].start, cells[pick].end
        items.append({
            "class": official_class_name(names.get(code[:3])) or t_cls, "section": names.get(code[:5]) or t_sec,
            "item": name, "code": code, "amount": yuan(n.value, unit), "budget_amount": budget,
            "completion_rate": rate, "name_as_printed": name, "span": [s, e], "page": None,
            "snippet": snippet(text, s, e),
        })
    return items


def _codes_from_twins(items: list[dict]) -> None:
    """A prose line printed without its code takes the code its table row prints in the same
    report: the one coded row with the same 项 name and the same amount, when that code agrees
    with the prose line's 类 and 款 names. Two such rows with different codes: no code."""
    coded: dict[str, list[dict]] = {}
    for r in items:
        if r["code"] and len(r["code"]) == 7 and r["amount"] is not None:
            coded.setdefault(r["item"], []).append(r)
    if not coded:
        return
    for r in items:
        if r["code"] or r["amount"] is None or r["item"] not in coded:
            continue
        codes = {t["code"] for t in coded[r["item"]] if abs(t["amount"] - r["amount"]) <= 50}
        if len(codes) == 1:
            code = codes.pop()
            if code_matches_names(code, r["class"], r["section"], r["item"]):
                r["code"] = code


def line_items(text: str, report_type: str | None = None, rows=None) -> list[dict]:
    """Prose lines and coded table rows: a line printed twice stays two rows (fields.md §5.6)."""
    planned = report_type == "budget"
    items = prose_line_items(text, planned) + table_line_items(text, report_type, rows)
    _codes_from_twins(items)
    return sorted(items, key=lambda r: r["span"][0])
