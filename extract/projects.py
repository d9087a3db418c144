"""Projects evaluated inside a report: name, budget, executed, execution rate, score, grade.

Sources, merged by a normalised name (year prefix and 项目/支出/报告 suffixes dropped):
the 项目绩效目标完成情况表 / 项目支出绩效自评表 (flattened or tab rows), prose such as
`“X”项目…预算数60万元，执行数为41万元，完成预算的68%`, and project-level scores and grades the
fact scanner set aside. Different values for one project are kept as conflicts, never resolved.
"""

from __future__ import annotations

import re

from . import flattened
from .numbers import NUMBER_RE, ratio, to_num, yuan
from .tables import Cell, Row, header_unit
from .textutil import snippet, squeeze

_SUFFIX = re.compile(
    r"(?:预算项目|项目支出|项目)?(?:支出)?(?:绩效)?(?:自评|评价)?(?:报告|表)?$|(?:支出|资金支出)$"
)
_PROSE = re.compile(
    r"预算数?\s*(?:为)?\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<bu>亿元|万元|元)\s*[,，]\s*(?:执行数|实际支出|实际执行数?|支出数)"
    r"\s*(?:为)?\s*(?P<e>\d+(?:\.\d+)?)\s*(?P<eu>亿元|万元|元)(?:\s*[,，]\s*完成预算的?\s*(?P<r>\d+(?:\.\d+)?)\s*%)?"
)
_QUOTED = re.compile(r"[“\"]([^”\"]{4,80})[”\"]\s*项目")


def project_key(name: str | None) -> str:
    if not name:
        return ""
    s = squeeze(name).replace(" ", "")
    s = re.sub(r"^\d{4}\s*年度?", "", s)
    for _ in range(3):
        s2 = _SUFFIX.sub("", s)
        if s2 == s:
            break
        s = s2
    return s


def project_name_from_title(line: str) -> str:
    s = squeeze(line)
    s = re.sub(r"(?:绩效自评报告|绩效评价报告|支出绩效自评表|绩效自评表|自评报告|评价报告)$", "", s)
    s = re.sub(r"(?:预算项目|项目支出|项目)$", "", s)
    return s.strip()


class _Projects:
    def __init__(self, text: str) -> None:
        self.text = text
        self.rows: dict[str, dict] = {}
        self.order: list[str] = []
        self.conflicts: list[dict] = []

    def add(self, name: str | None, span: tuple[int, int], **vals) -> None:
        key = project_key(name)
        if not key:
            return
        if key not in self.rows:
            self.rows[key] = {"project_name": squeeze(name).replace(" ", ""), "budget_amount": None,
                              "executed_amount": None, "execution_rate": None, "score": None, "grade": None,
                              "span": list(span), "snippet": snippet(self.text, span[0], span[1]),
                              "_spans": {}}
            self.order.append(key)
        row = self.rows[key]
        for k, v in vals.items():
            if v is None:
                continue
            if row[k] is None:
                row[k] = v
                row["_spans"][k] = list(span)
            elif row[k] != v and not (isinstance(v, float) and abs(row[k] - v) < 0.5):
                self.conflicts.append({
                    "field": f"projects.{k}", "project_name": row["project_name"],
                    "values": [row[k], v], "spans": [row["_spans"][k], list(span)],
                    "snippets": [snippet(self.text, *row["_spans"][k]), snippet(self.text, *span)],
                })

    def result(self) -> list[dict]:
        out = []
        for key in self.order:
            r = dict(self.rows[key])
            r.pop("_spans")
            out.append(r)
        return out


def _num_cell(text: str, cell) -> float | None:
    m = NUMBER_RE.fullmatch(cell.text.strip())
    n = to_num(m) if m else None
    if n is None:
        return None
    unit = header_unit(text, cell.start)
    return yuan(n.value, unit) if unit else None


_BRACKETED_OR_SPACE = re.compile(r"[(（][^()（）]*[)）]|\s")
_PCOLS = [
    ("name", re.compile(r"^(?:项目名称|项目)$")),
    ("execution_rate", re.compile(r"执行率|完成率")),
    ("score", re.compile(r"得分|评分|自评分")),
    ("grade", re.compile(r"等级|等次|评价结果")),
    ("executed_amount", re.compile(r"执行数|实际支出|支出数|决算数|实际执行|执行金额|实际完成")),
    ("budget_amount", re.compile(r"预算数|预算金额|年度预算|全年预算|预算")),
]
_GRADE = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "合格": "中", "差": "差",
          "较差": "差"}


def _header_columns(row: Row) -> dict[str, int] | None:
    """Column of each project attribute in a 项目名称 | 预算数 | 执行数 | 执行率 | 得分 | 等级 header."""
    cols: dict[str, int] = {}
    for i, c in enumerate(row.cells):
        if c.text.isascii():
            continue  # a figure or a blank: no column word
        t = _BRACKETED_OR_SPACE.sub("", c.text)
        for key, rx in _PCOLS:
            if rx.search(t):
                if key not in cols:
                    cols[key] = i
                break
    if "name" not in cols or len(cols) < 3:
        return None
    return cols


def _row_values(text: str, cells: dict[str, Cell]) -> dict:
    """Budget, executed, rate, score and grade of one project row from its cells by column."""
    vals: dict = {}
    for key in ("budget_amount", "executed_amount"):
        if key in cells:
            vals[key] = _num_cell(text, cells[key])
    if "execution_rate" in cells:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", cells["execution_rate"].text)
        vals["execution_rate"] = ratio(float(m.group(1))) if m else None
    if "score" in cells:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*分?\s*", cells["score"].text)
        if m and float(m.group(1)) <= 100:
            v = float(m.group(1))
            vals["score"] = int(v) if v == int(v) else v
    if "grade" in cells:
        vals["grade"] = _GRADE.get(cells["grade"].text.strip())
    return vals


def _header_tables(text: str, rows: list[Row], p: _Projects,
                   header_cols: list[dict[str, int] | None] | None = None) -> list[tuple[int, int]]:
    """Project tables with one project per row under a header row (the usual 自评情况表).

    Returns the spans of the header rows read (a flattened reading of them is not needed).
    `header_cols`: each row's header columns when the caller has worked them out already.
    """
    read: list[tuple[int, int]] = []
    if header_cols is None:
        header_cols = [_header_columns(row) for row in rows]
    k = 0
    while k < len(rows):
        cols = None if rows[k].flattened else header_cols[k]
        if cols is None:
            k += 1
            continue
        read.append((rows[k].start, rows[k].end + 1))
        width = len(rows[k].cells)
        k += 1
        while k < len(rows) and not rows[k].flattened and not text[rows[k - 1].end:rows[k].start].strip():
            cells = rows[k].cells
            if len(cells) != width:
                break
            name = squeeze(cells[cols["name"]].text)
            if not name or name in ("合计", "小计", "总计") or NUMBER_RE.fullmatch(name):
                k += 1
                continue
            vals = _row_values(text, {key: cells[i] for key, i in cols.items()})
            c0, c1 = cells[0], cells[-1]
            p.add(name, (c0.start, c1.end), **vals)
            k += 1
    return read


def _flat_tables(text: str, p: _Projects, skip: list[tuple[int, int]], warnings: list | None) -> None:
    """Project tables printed one cell per line (`flattened.py`); tables that do not line up are
    left out with a warning."""
    tabs, warns = flattened.tables("projects", text, skip=skip)
    if warnings is not None:
        warnings.extend(warns)
    totals = set(flattened.specs()["projects"].extra.get("total_names", []))
    for tab in tabs:
        for row in tab.rows:
            name = squeeze(row["name"].text)
            if name.replace(" ", "") in totals:
                continue
            cells = {k: Cell(ln.text, ln.start, ln.end) for k, ln in row.items() if k != "name"}
            vals = _row_values(text, cells)
            printed = [ln for ln in row.values() if ln.text]
            p.add(name, (printed[0].start, printed[-1].end), **vals)


def projects(text: str, rows: list[Row], signals: list[dict], titles: list[tuple[int, str]],
             warnings: list | None = None) -> tuple[list, list]:
    """Project rows and their conflicts. `warnings` (optional) receives a
    `flattened_table_unaligned` warning for each flattened project table left unread."""
    p = _Projects(text)
    # prose: “X”项目 … 预算数60万元，执行数为41万元，完成预算的68%
    for m in _PROSE.finditer(text):
        para_start = text.rfind("\n", 0, m.start()) + 1
        q = None
        for q2 in _QUOTED.finditer(text, max(para_start, m.start() - 400), m.start()):
            q = q2
        if q is None:
            continue
        p.add(q.group(1), (m.start(), m.end()),
              budget_amount=yuan(float(m.group("b")), m.group("bu")),
              executed_amount=yuan(float(m.group("e")), m.group("eu")),
              execution_rate=ratio(float(m.group("r"))) if m.group("r") else None)
    # tables: 项目名称 | X … 预算数: | 60 | 执行数: | 31
    current = None
    header_cols = [_header_columns(row) for row in rows]
    for row, cols in zip(rows, header_cols, strict=True):
        cells = row.cells
        if cols is not None:
            continue  # a header row of a one-project-per-row table (read by _header_tables)
        for i, c in enumerate(cells):
            t = c.text.replace(" ", "").rstrip(":")
            nxt = cells[i + 1] if i + 1 < len(cells) else None
            if t == "项目名称" and nxt is not None and nxt.text:
                current = nxt.text
                p.add(current, (nxt.start, nxt.end))
            elif current and nxt is not None and t in ("预算数", "年度预算数", "全年预算数"):
                v = _num_cell(text, nxt)
                if v is not None:
                    p.add(current, (nxt.start, nxt.end), budget_amount=v)
            elif current and nxt is not None and t in ("执行数", "全年执行数", "实际支出数"):
                v = _num_cell(text, nxt)
                if v is not None:
                    p.add(current, (nxt.start, nxt.end), executed_amount=v)
            elif current and nxt is not None and t in ("执行率", "预算执行率"):
                m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", nxt.text.strip())
                if m:
                    p.add(current, (nxt.start, nxt.end), execution_rate=ratio(float(m.group(1))))
    read = _header_tables(text, rows, p, header_cols)
    _flat_tables(text, p, read, warnings)
    # scores and grades the fact scanner found in project scope
    for s in signals:
        name = s.get("project_name")
        if not name:
            continue
        p.add(name, s["span"], score=s.get("score"), grade=s.get("grade"))
    return p.result(), p.conflicts
