"""Scalar facts (fields.md §3) from prose and table rows, with the rules of §5.

How a value is placed: every label of every field is found in one pass; the first number after
a label, in the same clause and before the next label, is its candidate. The text between label
and number (the "gap") and the sentence around it decide what the number is:

* a change (增加/减少/比…), a share (占), a per-head figure, another year → not the field's value;
* a planned figure (预算/年初预算) → the field's `budget_field` if it has one (three_public_budget),
  and the executed figure printed right after it (…预算 X，实际支出 Y) → the field;
* a breakdown under "其中" of a part (项目支出…其中：商品和服务支出…) → not the department figure;
* a score/grade/rate whose sentence names a project or a category → not the department's;
* 无…支出 / 未发生… → 0.

Every candidate keeps its span; the first stated is the value and any different value makes a
conflict (equal within the printed precision is not different).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .columns import EXECUTED, PLANNED, column_kind, header_above
from .labels import Catalog, FieldSpec, catalog, label_matches
from .numbers import NUMBER_RE, money_factor, ratio, to_num, tolerance, unit_after, units, yuan
from .tables import Row, table_rows
from .textutil import LineIndex, SentenceStarts, finditer_near, period_start, sentence_start, snippet, years_before_nian

_YEAR_AFTER = re.compile(r"[ \u3000]*(?:年|月|日|号|季度|周岁|个月|月份)")
_CLAUSE_STOP = re.compile(r"[。;\n!?]|,(?!\d{3})")
_CLAUSE_END_AFTER = re.compile(r"[ \u3000]*(?:[。;；,，\n]|$)")
_ZERO_AFTER = re.compile(r"\s*(?:支出|费用)?\s*(?:均)?(?:为|是)\s*零(?=[,。;\s]|$)")
_NEGATION = re.compile(r"(?:无|未发生|没有|未安排|未产生|不存在)")
_NEGATION_FIRST = re.compile("[无未没不]")  # the first characters of _NEGATION's words
_PAREN = re.compile(r"\([^()]*\)")
_UNIT_PAREN = re.compile(r"\(\s*(?:亿元|万元|千元|元|%|人|个)\s*\)")
_GRADE_PATTERNS = [
    # explicit grade words: 自评等级为“优” / 评价等级：良好
    # (one line, no table cell: 评价等级<TAB>中小学… is a header beside a project name; a one-character
    # grade must end there: 等级为中。, not 等级…中小学)
    re.compile(r"(?:自评等级|评价等级|绩效等级|评定等级|评价等次|等级|等次)[ \u3000]*"
               r"(?:为|是|:|评定为|确定为)?[ \u3000]*"
               r"[“\"「]?(优秀|良好|中等|较差|(?:优|良|中|差)(?![\u4e00-\u9fff]))"),
    # quoted after a conclusion word: 评价总体“良好” / 评价为“优”
    re.compile(r"(?:评价|评定|总体|结论|结果|绩效)\s*(?:为|是|:)?\s*[“\"「](优秀|良好|优|良|中等|中|较差|差)[”\"」]"),
    # unquoted two-character grade right after 绩效/评价: 部门整体支出绩效良好，/ 绩效中等，/ 绩效较差。
    re.compile(r"(?:绩效|评价结果|评价结论|总体评价|评价|评定)\s*(?:为|是)?\s*(优秀|良好|中等|较差)(?=[,。;、\s]|$)"),
    # a single-character grade only as a whole clause: 绩效评价结果为良。
    re.compile(r"(?:评价结果|评价结论|总体评价|评价等级|评定结果)\s*(?:为|是|:)\s*(优|良|中|差)(?=[,。;\s]|$)"),
]
# Each grade pattern's anchors (every match holds one) and the other characters its matches are
# made of, besides white space: the scan runs only near the anchors (textutil.finditer_near).
# Single characters are found fastest; the third pattern's words are common enough that its
# plain scan is as fast.
_GRADE_NEAR: list[tuple[tuple[str, ...], str] | None] = [
    (("等级", "等次"), "自评价绩效定等级次为是:确“\"「优秀良好中等较差"),
    (("“", '"', "「"), "评价定总体结论果绩效为是:“\"「”」优秀良好中等较差"),
    None,
    (("评",), "评价结果论总体等级定为是:优良中差"),
]
_HEADER_UNIT = [re.compile(p) for p in units()["header_patterns"]]


@dataclass
class Candidate:
    field: str
    value: float | int | None
    value_text: str | None
    unit: str | None
    as_reported: str
    start: int
    end: int
    decimals: int = 2
    total: bool = False
    sentence: int = 0
    annex: bool = False


@dataclass
class FactResult:
    facts: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    project_signals: list[dict] = field(default_factory=list)
    document_spans: dict = field(default_factory=dict)


def _warn(out: list[dict], code: str, message: str, fld: str | None, span: tuple[int, int] | None) -> None:
    out.append({"code": code, "message": message, "field": fld, "span": list(span) if span else None})


class _Ctx:
    """Per-document state shared by the placement rules."""

    def __init__(self, text: str, report_type: str | None, fiscal_year: int | None, scope_at, cat: Catalog):
        self.text = text
        self.report_type = report_type
        self.fiscal_year = fiscal_year
        self.scope_at = scope_at
        self.cat = cat
        self.lines = LineIndex(text)
        self.starts = SentenceStarts(text)
        self.cands: list[Candidate] = []
        self.warnings: list[dict] = []
        self.project_signals: list[dict] = []
        self.labels: list[tuple[int, int, list[str]]] = []
        self.years: list[tuple[int, int]] | None = None
        self.forced: dict[int, tuple] = {}
        self.department_name: str | None = None
        self.rows: list[Row] = []
        self.row_starts: list[int] = []
        self.parallel_skip: set[int] = set()
        self.year_pos: list[int] = []
        self.header_rows: dict[int, bool] = {}  # table row index → is a header row (columns.header_above)


def _header_unit(ctx: _Ctx, pos: int) -> str | None:
    """Unit printed in a table or column header above a bare table number (单位：万元, (万元))."""
    lo = max(0, pos - 3000)
    best = None
    best_pos = -1
    for rx in _HEADER_UNIT:
        for m in rx.finditer(ctx.text, lo, pos):
            if m.start() > best_pos:
                best, best_pos = m.group(1), m.start()
    return best


def _is_table_number(ctx: _Ctx, start: int, end: int) -> bool:
    ls, le = ctx.lines.line_bounds(start)
    line = ctx.text[ls:le]
    if "\t" in line or _row_at(ctx, start) is not None:
        return True
    return line.strip() == ctx.text[start:end].strip()


def _first_number(ctx: _Ctx, pos: int, stop: int):
    """First number in text[pos:stop] that is not a year/date; with the unit after it."""
    text = ctx.text
    m = NUMBER_RE.search(text, pos, stop)  # (search, not finditer: most windows hold one number)
    while m is not None:
        n = to_num(m)
        if n is not None and not _YEAR_AFTER.match(text, n.end):
            unit, uend = unit_after(text, n.end, len(text))
            return n, unit, uend
        m = NUMBER_RE.search(text, m.end(), stop)
    return None


def _other_year(ctx: _Ctx, sent_start: int, label_start: int) -> int | None:
    if ctx.fiscal_year is None:
        return None
    if ctx.years is None:
        ctx.years = years_before_nian(ctx.text)
        ctx.year_pos = [p for p, _ in ctx.years]
    i = bisect.bisect_left(ctx.year_pos, label_start) - 1
    year = ctx.years[i][1] if i >= 0 and ctx.years[i][0] >= sent_start else None
    if year is not None and year != ctx.fiscal_year and 1990 < year < 2100:
        return year
    return None


def _head_label_fields(ctx: _Ctx, head_start: int, head_end: int) -> list[str]:
    """Fields of the last label in a sentence head, ignoring labels inside parentheses."""
    head = ctx.text[head_start:head_end]
    masked = _PAREN.sub(lambda m: " " * len(m.group(0)), head)
    last: list[str] = []
    for s, _e, fs in ctx.labels:
        if s < head_start:
            continue
        if s >= head_end:
            break
        if masked[s - head_start] != " " and fs:
            last = fs
    return last


def _department_scope(ctx: _Ctx, sent_start: int, pos: int) -> tuple[str, str | None]:
    """('department'|'project'|'subscope', project name) for a figure at pos."""
    cat = ctx.cat
    context = ctx.text[sent_start:pos]
    region_kind, region_name = ctx.scope_at(pos)
    if cat.department_re.search(context):
        return "department", None
    m = cat.subscope_re.search(context)
    if m:
        if m.group(0) in ("项目", "专项", "工程", "资金"):
            from .projects import project_key

            name = _project_name_from(context)
            return "project", name if project_key(name) else region_name
        return "subscope", None
    if region_kind == "project":
        return "project", region_name
    return "department", None


_PROJ_NAME = re.compile(
    r"[“\"]([^”\"]{4,60})[”\"]\s*项目"
    r"|(?:^|[,:，])\s*((?:\d{4}\s*年度?)?[^,:，。;]{4,60}?)(?:项目)?(?:支出)?(?:绩效)"
)


def _project_name_from(context: str) -> str | None:
    m = _PROJ_NAME.search(context)
    if not m:
        return None
    name = (m.group(1) or m.group(2) or "").strip()
    return name or None


def _money_value(ctx: _Ctx, n, unit: str | None, fld: str) -> tuple[float | None, str | None]:
    if unit is not None and money_factor(unit) is not None:
        return yuan(n.value, unit), unit
    if unit is None and _is_table_number(ctx, n.start, n.end):
        hu = _header_unit(ctx, n.start)
        if hu:
            return yuan(n.value, hu), hu
    if unit is None:
        _warn(ctx.warnings, "unit_unknown", f"{n.text} near a {fld} label has no unit", fld, (n.start, n.end))
    return None, None


def _place_value(ctx: _Ctx, spec: FieldSpec, n, unit, uend) -> Candidate | None:
    """A number of the right kind for this field, or None."""
    kind = spec.kind
    if kind == "money":
        v, u = _money_value(ctx, n, unit, spec.name)
        if v is None:
            return None
        return Candidate(spec.name, v, None, u, n.text, n.start, uend if unit else n.end, n.decimals)
    if kind == "count":
        if unit not in spec.units or n.value != int(n.value):
            return None
        return Candidate(spec.name, int(n.value), None, unit, n.text, n.start, uend, 0)
    if kind == "ratio":
        if unit == "%":
            return Candidate(spec.name, ratio(n.value), None, "%", n.text, n.start, uend, n.decimals)
        # 执行率为96。: a bare number that ends the clause reads as a percentage; 99. 11% (a number
        # broken by layout) does not
        if unit is None and 1 < n.value <= 100 and _CLAUSE_END_AFTER.match(ctx.text, n.end):
            return Candidate(spec.name, ratio(n.value), None, None, n.text, n.start, n.end, n.decimals)
        if unit is None:
            _warn(ctx.warnings, "ratio_ambiguous", f"{n.text} may be a ratio or a percentage", spec.name,
                  (n.start, n.end))
        return None
    if kind == "score":
        if unit not in (None, "分") or not 0 <= n.value <= 100:
            return None
        v = int(n.value) if n.value == int(n.value) else n.value
        return Candidate(spec.name, v, None, unit, n.text, n.start, uend if unit else n.end, n.decimals)
    return None


def _scan_labels(ctx: _Ctx) -> None:
    ctx.labels = label_matches(ctx.cat, ctx.text)


def _zero_phrase(ctx: _Ctx, ls: int, le: int, sent_start: int) -> int | None:
    """Start of 无/未发生 right before a label (无政府性基金预算支出, 三年无因公出国（境）费用)."""
    lo = max(sent_start, ls - 8)
    seg = ctx.text[lo:ls]
    m = None
    for m2 in _NEGATION.finditer(seg):
        m = m2
    if m is None or re.search(r"[,。;:\d]", seg[m.end():]):
        return None
    # the phrase must end there (no amount follows in the clause)
    tail_stop = _CLAUSE_STOP.search(text := ctx.text, le)
    stop = tail_stop.start() if tail_stop else len(text)
    if stop - le > 6 or any(c.isdigit() for c in text[le:stop]):
        return None
    return lo + m.start()


_NAME_RUN = re.compile(r"[\u4e00-\u9fff()]{1,30}$")
_ORG_TAIL = "局委办院心站所队馆会室处股社部厅位"
_PRONOUN = re.compile(r"(?:我|本|该)(?:局|委|办|院|单位|部门|中心|馆|站|所|队|会)$|^单位$")


def _own_figure(ctx: _Ctx, ls: int) -> bool:
    """A label right after an organisation's name is the department's only when that name is the
    department's own (its name's end, or 我局/本单位/…), not a subordinate unit's (XX中心编制12人)."""
    m = _NAME_RUN.search(ctx.text, max(0, ls - 30), ls)
    if m is None or m.group(0)[-1] not in _ORG_TAIL:
        return True
    run = m.group(0)
    if _PRONOUN.search(run):
        return True
    # the department's own name, or its short form (区卫生健康委 for 隆阳区卫生健康委员会): a tail
    # of the run of at least 4 characters that the department's name contains
    dept = ctx.department_name or ""
    return any(run[i:] in dept for i in range(0, max(0, len(run) - 3)))


def _value_window_number(ctx: _Ctx, ls: int, le: int, nxt: int):
    """The first number after a label: same clause, before the next label; a label alone on its
    line may take the next line (tables flattened one cell per line)."""
    text = ctx.text
    stop_m = _CLAUSE_STOP.search(text, le, min(len(text), le + 40))
    stop = stop_m.start() if stop_m else min(len(text), le + 40)
    if stop_m and stop_m.group(0) == "\n":
        lstart, lend = ctx.lines.line_bounds(ls)
        if text[lstart:ls].strip() == "" and lend == stop:
            nl = stop + 1
            while nl < len(text) and text[nl] in "\n\t ":
                nl += 1
            nle = text.find("\n", nl)
            nle = len(text) if nle < 0 else nle
            if NUMBER_RE.fullmatch(text[nl:nle].strip().replace("万元", "").replace("元", "")):
                stop = nle
    stop = min(stop, nxt)
    return _first_number(ctx, le, stop)


_ABSTAIN = object()
# what may stand in a label's cell beside the label: numbering, 其中, units, totals words
_CELL_DECOR = re.compile(r"^\s*(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）.、]?\s*)?(?:其中\s*[:：]?)?"
                         r"|[(（]\s*(?:亿元|万元|千元|元)\s*[)）]|合计|小计|总计|支出|决算数?|金额|[:：|\s]")
_NUM_CELL = re.compile(r"\s*(?:[-—–]+|\d[\d,. ]*(?:亿元|万元|元|%)?)\s*")


def _is_num_cell(t: str) -> bool:
    return bool(t) and _NUM_CELL.fullmatch(t) is not None


def _row_at(ctx: _Ctx, pos: int):
    """(row index, cell index) of the tab-table cell holding pos, or None."""
    i = bisect.bisect_right(ctx.row_starts, pos) - 1
    if i < 0:
        return None
    row = ctx.rows[i]
    if row.flattened or pos >= row.end or len(row.cells) < 2:
        return None
    for ci, c in enumerate(row.cells):
        if c.start <= pos < max(c.end, c.start + 1):
            return i, ci
    return None


def _table_cell_value(ctx: _Ctx, ls: int, le: int):
    """For a label in a table cell: ((number, unit, end), column kind) of the cell its column
    header names as the executed figure (planned in a budget report), None when the label is
    not in a table cell, _ABSTAIN when the table does not say which figure is the value."""
    at = _row_at(ctx, ls)
    if at is None:
        return None
    ri, ci = at
    row = ctx.rows[ri]
    label_cell = row.cells[ci]
    if any(ch.isdigit() for ch in ctx.text[le:label_cell.end]):
        return None  # a label with its number inside one cell: prose rules
    residue = _CELL_DECOR.sub("", ctx.text[label_cell.start:ls] + "|" + ctx.text[le:label_cell.end])
    if len(re.findall(r"[\u4e00-\u9fff]", residue)) >= 2:
        return _ABSTAIN  # the label is a part of another name (学前教育公用经费补助)
    values: list[int] = []
    for j in range(ci + 1, len(row.cells)):
        t = row.cells[j].text
        if t and not _is_num_cell(t):
            break
        values.append(j)
    budget_report = ctx.report_type == "budget"
    if not any(row.cells[j].text for j in values):
        return _transposed_value(ctx, ri, ci, budget_report)
    header = header_above(ctx.text, ctx.rows, ri, ctx.fiscal_year, memo=ctx.header_rows)
    # A row may be shorter than its header (spreadsheets drop empty trailing cells): its cells still
    # line up from the left. A row wider than its header does not line up and is not read.
    if header is None or len(header.cells) < len(row.cells):
        filled = [j for j in values if row.cells[j].text]
        if len(filled) == 1 and header is None:
            return None  # one number beside the label: the prose rules read it
        _warn(ctx.warnings, "table_column_unknown", f"{label_cell.text}: {len(filled)} figures and no header "
              "that says which is the executed one", None, (row.start, row.end))
        return _ABSTAIN
    kinds = {j: column_kind(header.cells[j].text, ctx.fiscal_year) for j in values}
    order = (PLANNED, EXECUTED) if budget_report else (EXECUTED, PLANNED)
    for want in order:
        for j in values:
            if kinds[j] == want:
                found = _first_number(ctx, row.cells[j].start, row.cells[j].end) if row.cells[j].text else None
                return (found, want) if found else _ABSTAIN
    return _ABSTAIN


def _transposed_value(ctx: _Ctx, ri: int, ci: int, budget_report: bool):
    """A label in a header row (项目 | 合计 | 因公出国（境）费 | …) over rows named by kind
    (决算数 | 42.76 | 1.53 | …): the cell below the label in the executed (planned) row."""
    row = ctx.rows[ri]
    best = None
    k = ri + 1
    while k < len(ctx.rows) and k - ri <= 6:
        prev, cur = ctx.rows[k - 1], ctx.rows[k]
        if cur.flattened or ctx.text[prev.end:cur.start].strip():
            break
        if len(cur.cells) == len(row.cells) and ci < len(cur.cells) and _is_num_cell(cur.cells[ci].text):
            kind = column_kind(cur.cells[0].text, ctx.fiscal_year)
            if kind in (EXECUTED, PLANNED) and (best is None or kind == (PLANNED if budget_report else EXECUTED)):
                best = (cur.cells[ci], kind)
        k += 1
    if best is None:
        return None
    cell, kind = best
    found = _first_number(ctx, cell.start, cell.end)
    return (found, kind) if found else _ABSTAIN


_PARALLEL = re.compile(r"分别(?:为|是|达到|达|:)?")
_GLOSS = re.compile(r"\([^()]{0,40}\)")
_LIST_SEP = re.compile(r"\s*(?:和|与|及|、|,)\s*")


def _parallel_lists(ctx: _Ctx) -> None:
    """`基本支出和项目支出分别为X万元和Y万元`: the k-th label takes the k-th number.

    The labels must be listed right before 分别 (joined by 和/与/及/、), the numbers right after
    it (joined the same way). When the counts differ, none of the labels gets a value.
    """
    text = ctx.text
    if "分别" not in text:
        return
    ends = [e for _s, e, _f in ctx.labels]
    for m in _PARALLEL.finditer(text):
        j = bisect.bisect_right(ends, m.start()) - 1
        if j < 0 or _GLOSS.sub("", text[ends[j]:m.start()]).strip() not in ("", "均"):
            continue
        chain = [j]
        while chain[0] > 0:
            k = chain[0] - 1
            sep = text[ends[k]:ctx.labels[chain[0]][0]]
            if not _LIST_SEP.fullmatch(_GLOSS.sub("", sep) or " "):
                break
            chain.insert(0, k)
        if len(chain) < 2:
            continue
        nums = []
        pos = m.end()
        for _ in range(len(chain) + 1):
            found = _first_number(ctx, pos, min(len(text), pos + 25))
            if found is None:
                break
            n, _unit, uend = found
            lead = text[pos:n.start]
            if nums and not _LIST_SEP.fullmatch(lead):
                break
            if not nums and lead.strip():
                break
            nums.append(found)
            pos = uend
        ctx.parallel_skip.update(chain)
        if len(nums) != len(chain):
            _warn(ctx.warnings, "parallel_mismatch", f"{len(chain)} labels but {len(nums)} numbers after 分别",
                  None, (ctx.labels[chain[0]][0], m.end()))
            continue
        for k, found in zip(chain, nums, strict=True):
            ctx.parallel_skip.discard(k)
            ctx.forced[k] = (found, ctx.labels[chain[-1]][1])


def _planned_label(cat: Catalog, text: str, ls: int, le: int) -> bool:
    """A label that itself says planned (收入预算总计, 政府采购预算总额): a plan, not an executed figure."""
    return cat.sentence_budget_re.search(text, ls, le) is not None


def _candidates_for_label(ctx: _Ctx, idx: int) -> None:
    cat = ctx.cat
    text = ctx.text
    ls, le, fields = ctx.labels[idx]
    if not fields or idx in ctx.parallel_skip:
        return
    specs = [cat.fields[f] for f in fields]
    nxt = ctx.labels[idx + 1][0] if idx + 1 < len(ctx.labels) else len(text)

    # words mean numbers: 无…支出 / 未发生… / …费为零 (the negation looks 8 characters back, so
    # the sentence start matters only that far)
    zs = None
    if idx not in ctx.forced and _NEGATION_FIRST.search(text, max(0, ls - 8), ls):
        zs = _zero_phrase(ctx, ls, le, sentence_start(text, ls, 8))
    zm = _ZERO_AFTER.match(text, le) if zs is None and idx not in ctx.forced else None
    if zm is not None:
        zs = ls
    if zs is not None:
        if _planned_label(cat, text, ls, le) and ctx.report_type != "budget":
            return
        per_start = period_start(text, ls)
        for spec in specs:
            if spec.kind == "money" and not _other_year(ctx, per_start, ls):
                ze = zm.end() if zm is not None else le
                ctx.cands.append(Candidate(spec.name, 0.0, None, None, text[zs:ze], zs, ze, 2,
                                           sentence=per_start))
                break
        return

    gap_from = le
    table_planned = False
    if idx in ctx.forced:
        # "A和B分别为X和Y": the number in the same position of the list
        found, gap_from = ctx.forced[idx]
    else:
        cell = _table_cell_value(ctx, ls, le)
        if cell is _ABSTAIN:
            return
        if cell is not None:
            # a table row: the column header chose the number (planned columns are plans)
            found, column = cell
            gap_from = found[0].start
            table_planned = column == PLANNED
        else:
            found = _value_window_number(ctx, ls, le, nxt)
    if found is None:
        return
    sent_start, per_start = ctx.starts.at(ls)
    n, unit, uend = found
    gap = text[gap_from:n.start]
    if len(gap.strip()) > 20 or (idx not in ctx.forced and "分别" in gap):
        return  # 分别 lists that did not line up: no value rather than the neighbour's
    label_text = text[ls:le]
    before = text[max(0, ls - 3):ls]
    if cat.share_re.search(gap) or before.rstrip().endswith("占") or cat.per_re.search(gap):
        return
    if cat.change_re.search(gap):
        return
    fname = fields[0]
    if cat.other_year_re.search(gap) or cat.other_year_re.search(before):
        _warn(ctx.warnings, "other_year", f"{n.text} after {label_text} is of another year", fname, (n.start, n.end))
        return
    oy = _other_year(ctx, per_start, ls)
    if oy:
        _warn(ctx.warnings, "other_year", f"{n.text} after {label_text} is dated {oy}", fname, (n.start, n.end))
        return
    if "(" in _UNIT_PAREN.sub("", gap):
        _warn(ctx.warnings, "qualified_label", f"{label_text}{gap.strip()} is a part of {fname}", fname,
              (n.start, n.end))
        return

    budget = bool(cat.budget_re.search(gap)) or _planned_label(cat, text, ls, le) or table_planned
    pb = cat.sentence_budget_re.search(text, max(0, ls - 4), ls)
    if pb and pb.end() >= ls - 2:
        budget = True
    # 其中 breakdowns: the head of the sentence decides
    qz = text.rfind("其中", per_start, ls)
    reject = False
    if qz >= 0:
        head_fields = _head_label_fields(ctx, per_start, qz)
        for spec in specs:
            if any(h in spec.reject_under for h in head_fields):
                reject = True
        head = text[per_start:qz]
        if cat.sentence_budget_re.search(head) and not cat.sentence_executed_re.search(head):
            budget = True

    placed = None
    for spec in specs:
        placed = _place_value(ctx, spec, n, unit, uend)
        if placed is not None:
            break
    if placed is None:
        return
    spec = cat.fields[placed.field]
    if spec.report_types and ctx.report_type not in spec.report_types:
        return
    if spec.owner_check and not _own_figure(ctx, ls):
        _warn(ctx.warnings, "subscope", f"{label_text} {n.text} is a subordinate unit's, not the department's",
              spec.name, (n.start, n.end))
        return
    if reject:
        _warn(ctx.warnings, "subscope", f"{label_text} {n.text} is a breakdown of a part, not the department total",
              spec.name, (n.start, n.end))
        return
    placed.sentence = per_start
    placed.total = bool(cat.total_re.search(text[ls:n.start]))
    if ctx.report_type == "budget":
        if placed.field == "three_public_budget":
            placed.field = "three_public_total"
    elif spec.executed_field:
        # a planned-figure label (“三公”经费预算 X，支出决算 Y): Y belongs to the executed field
        ctx.cands.append(placed)
        _executed_after(ctx, cat.fields[spec.executed_field], uend if unit else n.end, per_start)
        return
    elif budget:
        if spec.budget_field:
            placed.field = spec.budget_field
            ctx.cands.append(placed)
        _executed_after(ctx, spec, uend if unit else n.end, per_start)
        return
    if spec.scope == "department":
        kind, pname = _department_scope(ctx, sent_start, ls)
        if kind == "project":
            if spec.kind == "score":
                ctx.project_signals.append({"project_name": pname, "score": placed.value,
                                            "span": (placed.start, placed.end)})
            else:
                _warn(ctx.warnings, "subscope", f"{label_text} {n.text} is a project's, not the department's",
                      spec.name, (n.start, n.end))
            return
        if kind == "subscope":
            _warn(ctx.warnings, "subscope", f"{label_text} {n.text} is not the department's", spec.name,
                  (n.start, n.end))
            return
    ctx.cands.append(placed)
    if placed.field == "reception_batches":
        _visitors_after(ctx, placed.end, per_start)


def _executed_after(ctx: _Ctx, spec: FieldSpec, pos: int, sent_start: int) -> None:
    """…预算 X 万元，实际支出 Y 万元 → Y is the executed figure of the same label."""
    m = ctx.cat.executed_re.match(ctx.text, pos, min(len(ctx.text), pos + 20))
    if not m:
        return
    found = _first_number(ctx, m.end(), min(len(ctx.text), m.end() + 30))
    if not found or found[0].start > m.end() + 2:
        return
    n, unit, uend = found
    c = _place_value(ctx, spec, n, unit, uend)
    if c is not None:
        c.sentence = sent_start
        ctx.cands.append(c)


_VISITORS = re.compile(r"\s*[,、]?\s*(?:共计|共|接待)?\s*")


def _visitors_after(ctx: _Ctx, pos: int, sent_start: int) -> None:
    """国内公务接待 11 批次，64 人次 / 公务接待13批，共计83人."""
    m = _VISITORS.match(ctx.text, pos)
    found = _first_number(ctx, m.end(), min(len(ctx.text), m.end() + 30))
    if not found or found[0].start != m.end():
        return
    n, unit, uend = found
    if unit in ("人次", "人") and n.value == int(n.value):
        ctx.cands.append(Candidate("reception_visitors", int(n.value), None, unit, n.text, n.start, uend, 0,
                                   sentence=sent_start))


def _grades(ctx: _Ctx) -> None:
    spec = ctx.cat.fields["performance_grade"]
    words = spec.grade_words
    seen: set[int] = set()
    for rx, near in zip(_GRADE_PATTERNS, _GRADE_NEAR, strict=True):
        for m in (finditer_near(rx, ctx.text, *near) if near else rx.finditer(ctx.text)):
            if m.start(1) in seen:
                continue
            seen.add(m.start(1))
            sent_start = sentence_start(ctx.text, m.start())
            grade = words.get(m.group(1))
            if grade is None:
                continue
            kind, pname = _department_scope(ctx, sent_start, m.start())
            if kind == "project":
                ctx.project_signals.append({"project_name": pname, "grade": grade, "span": (m.start(1), m.end(1))})
                continue
            if kind == "subscope":
                continue
            ctx.cands.append(Candidate("performance_grade", None, grade, None, m.group(1), m.start(1), m.end(1),
                                       0, sentence=sent_start))


def _agree(a: Candidate, b: Candidate) -> bool:
    if a.value_text is not None or b.value_text is not None:
        return a.value_text == b.value_text
    tol = max(tolerance(a.decimals, a.unit or ("元" if isinstance(a.value, float) else None)),
              tolerance(b.decimals, b.unit or ("元" if isinstance(b.value, float) else None)))
    return abs(float(a.value) - float(b.value)) <= tol + 1e-9


def _precision(c: Candidate) -> float:
    if c.value_text is not None:
        return 0.0
    return tolerance(c.decimals, c.unit or ("元" if isinstance(c.value, float) else None))


def _prefer_totals(ctx: _Ctx, cands: list[Candidate]) -> list[Candidate]:
    """Within one sentence, a total-worded count beats the parts printed beside it."""
    by_sent: dict[int, list[Candidate]] = {}
    for c in cands:
        by_sent.setdefault(c.sentence, []).append(c)
    keep: list[Candidate] = []
    for c in cands:
        group = by_sent[c.sentence]
        if not c.total and any(g.total for g in group) and len(group) > 1:
            _warn(ctx.warnings, "part_of_total", f"{c.as_reported} is a part; the sentence prints a total",
                  c.field, (c.start, c.end))
            continue
        keep.append(c)
    return keep


def extract_facts(text: str, report_type: str | None, fiscal_year: int | None, scope_at=None,
                  annex_start: int | None = None, department_name: str | None = None,
                  rows: list[Row] | None = None) -> FactResult:
    """All scalar facts of one normalised (folded) text."""
    cat = catalog()
    ctx = _Ctx(text, report_type, fiscal_year, scope_at or (lambda pos: ("department", None)), cat)
    ctx.department_name = department_name
    ctx.rows = table_rows(text) if rows is None else rows
    ctx.row_starts = [r.start for r in ctx.rows]
    _scan_labels(ctx)
    _parallel_lists(ctx)
    for i in range(len(ctx.labels)):
        _candidates_for_label(ctx, i)
    _grades(ctx)
    out = FactResult(warnings=ctx.warnings, project_signals=ctx.project_signals)
    by_field: dict[str, list[Candidate]] = {}
    for c in sorted(ctx.cands, key=lambda c: c.start):
        by_field.setdefault(c.field, []).append(c)
    for fname, cands in by_field.items():
        if cat.fields[fname].prefer_total:
            cands = _prefer_totals(ctx, cands)
            if not cands:
                continue
        # the main body is more authoritative than an annex: first in the body, else first
        if annex_start is not None:
            body = [c for c in cands if c.start < annex_start]
            first = body[0] if body else cands[0]
        else:
            first = cands[0]
        distinct: list[Candidate] = [first]
        for c in cands:
            if not any(_agree(c, d) for d in distinct):
                distinct.append(c)
        # the same value printed more precisely elsewhere (1.35亿元 … 13458.31万元): keep the finest
        pool = [c for c in cands if _agree(c, first) and (annex_start is None or first.start >= annex_start
                                                            or c.start < annex_start)]
        best = min(pool, key=_precision, default=first)
        out.facts.append(_fact_dict(text, best))
        if len(distinct) > 1:
            out.conflicts.append({
                "field": fname,
                "values": [d.value if d.value_text is None else d.value_text for d in distinct],
                "spans": [[d.start, d.end] for d in distinct],
                "snippets": [snippet(text, d.start, d.end) for d in distinct],
            })
    out.facts.sort(key=lambda f: f["span"][0])
    return out


def _fact_dict(text: str, c: Candidate) -> dict:
    return {
        "field": c.field,
        "value": c.value,
        "value_text": c.value_text,
        "unit_as_reported": c.unit,
        "as_reported": c.as_reported,
        "span": [c.start, c.end],
        "page": None,
        "snippet": snippet(text, c.start, c.end),
    }
