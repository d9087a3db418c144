"""Row tables printed one cell per line without TAB rows (text copied from web pages, PDF/DOCX/
XLSX tables flattened by the reader): the 绩效指标表 and the project table of fields.md §4.

A table is rebuilt only when its structure is unambiguous:

* the header is a run of lines every one of which is a known header word of one table kind
  (`data/tables.yaml`); the run gives the columns and the row width;
* every following row has exactly that many cells (an empty line is an empty cell: a merged
  level cell repeating the row above, an empty remark); each cell must fit its column — level
  cells are blank or framework words (产出指标 / 数量指标 …, a level-2 word under its level-1
  word), names and values are printed, amounts are numbers, grades grade words;
* the table ends where a row can no longer start, and the next printed line must be something
  no cell can be (a sentence, a heading, a table title, a header, a TAB row, the end of the text):
  a value, a name or a level word there means the cells drifted somewhere, and the whole table is
  abstained from, with a warning;
* the text is read in two ways — `blank` (an empty line is an empty cell, as in text copied from
  web pages) and `compact` (empty cells were dropped, as some PDF readers do: a merged level cell
  is then simply absent, the line being the next level word or the indicator's name) — and used
  only when exactly one way reads it, or both read the same rows.

One drift is repaired because the cells' kinds anchor it: a stray empty line (a page break) is
skipped once per row when the row does not read otherwise — and the table must still end cleanly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import yaml

from .numbers import DATA
from .textutil import per_text

_BRACKETS = re.compile(r"[(（][^()（）]*[)）]")
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十\d]+[部章节]|"
    r"\d+[、.．](?!\d)|附件|附表)"
)
_TITLE = re.compile(r"(?:情况|汇总|明细|目标|自评|结果|一览|预算|决算|收支|指标)表$")
_SENTENCE_END = re.compile(r"[。;；]\s*$|。")
_MAX_CELL = 80
# indicator columns that may be empty besides the level cells
_FREE = ("note", "weight", "score")


@dataclass(slots=True)
class Line:
    text: str  # the cell as printed, leading TAB and spaces removed
    start: int
    end: int
    cell: bool  # no TAB inside: can be a cell of a table flattened one cell per line


@dataclass
class TableSpec:
    columns: dict[str, str]  # header word → column role
    required: frozenset[str]
    blank_ok: frozenset[str]
    levels: dict[str, frozenset[str]]
    level1: frozenset[str]
    level2: frozenset[str]
    extra: dict
    # first characters of the header words, and what `_norm` may drop before them
    openers: frozenset[str] = frozenset()


@dataclass
class Flat:
    """One rebuilt table: its columns, the rows (role → Line), where it starts and ends."""

    kind: str
    roles: list[str]
    rows: list[dict[str, Line]]
    start: int  # offset of the first header cell
    end: int


@lru_cache(maxsize=1)
def specs() -> dict[str, TableSpec]:
    with open(DATA / "tables.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    out: dict[str, TableSpec] = {}
    for kind, key in (("indicators", "indicator_table"), ("projects", "project_table")):
        t = raw[key]
        cols = {_norm(w): role for role, words in t["columns"].items() for w in words}
        levels = {k: frozenset(v) for k, v in (t.get("levels") or {}).items()}
        extra = {k: v for k, v in t.items() if k not in ("columns", "required", "blank_ok", "levels")}
        out[kind] = TableSpec(cols, frozenset(t.get("required", [])), frozenset(t.get("blank_ok", [])), levels,
                              frozenset(levels), frozenset(w for v in levels.values() for w in v), extra,
                              frozenset(w[0] for w in cols if w) | frozenset("(（ \u3000"))
    return out


@lru_cache(maxsize=8192)  # short cells, looked up for each table kind
def _norm(t: str) -> str:
    return _BRACKETS.sub("", t).replace(" ", "").replace("\u3000", "").rstrip(":：")


@per_text
def lines(text: str) -> list[Line]:
    out: list[Line] = []
    append = out.append
    pos = 0
    for raw in text.split("\n"):
        body = raw.lstrip("\t ")
        s = pos + len(raw) - len(body)
        body = body.rstrip()
        append(Line(body, s, s + len(body), "\t" not in body))
        pos += len(raw) + 1
    return out


def _role(spec: TableSpec, ln: Line) -> str | None:
    if not ln.cell or not ln.text or len(ln.text) > 24 or ln.text[0] not in spec.openers:
        return None
    return spec.columns.get(_norm(ln.text))


def _is_framework(spec: TableSpec, t: str) -> bool:
    t = t.replace(" ", "")
    return t in spec.level1 or t in spec.level2


def is_level_word(t: str) -> bool:
    """产出指标, 数量指标 … (the indicator framework of data/tables.yaml)."""
    return _is_framework(specs()["indicators"], t)


def plain_cell(t: str) -> bool:
    """A printed name or value cell, not a sentence, a heading or a table title."""
    return (bool(t) and len(t) <= _MAX_CELL and not _SENTENCE_END.search(t) and not _HEADING.match(t)
            and not _TITLE.search(t) and "单位:" not in t and "单位：" not in t)


@lru_cache(maxsize=1)
def _all_header_words() -> frozenset[str]:
    return frozenset(w for s in specs().values() for w in s.columns)


def headers(kind: str, ls: list[Line]) -> list[tuple[int, list[str], int]]:
    """(first header line, column roles, first line after the header) of each header run.

    A single empty line between two header words (a page break) does not end the run.
    """
    spec = specs()[kind]
    out = []
    i, n = 0, len(ls)
    openers = spec.openers
    # only lines opening with a header word's first character can be header cells
    for k in [k for k, ln in enumerate(ls) if ln.text[:1] in openers]:
        if k < i or _role(spec, ls[k]) is None:
            continue
        i = k
        j, roles = i, []
        while j < n:
            r = _role(spec, ls[j])
            if r is None and j + 1 < n and ls[j].cell and not ls[j].text and _role(spec, ls[j + 1]) is not None:
                j += 1
                continue
            if r is None:
                break
            roles.append(r)
            j += 1
        if _header_ok(kind, spec, roles):
            out.append((i, roles, j))
        i = j
    return out


def _header_ok(kind: str, spec: TableSpec, roles: list[str]) -> bool:
    if len(set(roles)) != len(roles) or not spec.required <= set(roles):
        return False
    if kind == "indicators":
        # rows start with a level column: a blank or a framework word anchors each row
        return roles[0] in ("level1", "level2")
    values = [r for r in roles if r not in ("name", "note")]
    return len(values) >= spec.extra.get("min_value_columns", 3)


@lru_cache(maxsize=1)
def _furniture() -> re.Pattern[str]:
    with open(DATA / "tables.yaml", encoding="utf-8") as fh:
        words = yaml.safe_load(fh).get("page_furniture") or []
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


def is_furniture(t: str) -> bool:
    """A web page's footer, counter, share bar or advertisement (data/tables.yaml page_furniture)."""
    return _furniture().search(t) is not None


def _terminator(t: str) -> bool:
    """A line that cannot be a cell of the tables read here: a sentence, a heading, a table title,
    a header word, a web page's furniture. (A long name or a cell that is merely unexpected is not
    one.)"""
    return (not plain_cell(t) or _norm(t) in _all_header_words()
            or (len(t) > 40 and ":" in t)  # 主办:… 地址:… (a web page's footer)
            or is_furniture(t))


class _Reader:
    """Reads rows of one table kind from a header on; `fits` decides a cell.

    mode `blank`: an empty line is an empty cell (merged level cells printed as empty lines);
    mode `compact`: empty cells were dropped, a merged level cell is simply absent (the next
    line is then a level-2 word or the indicator's name). In both modes one stray empty line
    per row (a page break) may be skipped when the row does not read otherwise.
    """

    def __init__(self, kind: str, ls: list[Line], roles: list[str], fits, mode: str) -> None:
        self.kind, self.ls, self.roles, self.fits, self.mode = kind, ls, roles, fits, mode
        self.spec = specs()[kind]

    def row(self, i: int, state: dict, repair: bool = True) -> tuple[dict[str, Line], int, dict] | None:
        """The row starting at line i → (cells by role, next line, new state), or None."""
        return self._row(i, 0, state, {}, 0 if repair else 1)

    def _row(self, i: int, ri: int, st: dict, cells: dict, skips: int):
        if ri == len(self.roles):
            return cells, i, st
        ls, role = self.ls, self.roles[ri]
        ln = ls[i] if i < len(ls) and ls[i].cell else None
        if ln is not None and (ln.text or self.mode == "blank"):
            st2 = dict(st)
            if self.fits(role, ln, st2, cells):
                got = self._row(i + 1, ri + 1, st2, {**cells, role: ln}, skips)
                if got is not None:
                    return got
        if self.mode == "compact" and role in ("level1", "level2") and self._may_omit(role, st, cells):
            got = self._row(i, ri + 1, st, cells, skips)
            if got is not None:
                return got
        if ln is not None and not ln.text and skips == 0 and i + 1 < len(ls) and ls[i + 1].text:
            return self._row(i + 1, ri, st, cells, skips + 1)
        return None

    @staticmethod
    def _may_omit(role: str, st: dict, cells: dict) -> bool:
        if role == "level1":
            return st.get("level1") is not None
        return st.get("level2") is not None and not ("level1" in cells and cells["level1"].text)

    def read(self, i: int) -> tuple[list[dict[str, Line]], int, bool]:
        """All rows from line i → (rows, line after the last row, ends cleanly)."""
        state: dict = {}
        rows: list[dict[str, Line]] = []
        while True:
            got = self.row(i, state)
            if got is None:
                break
            cells, i, state = got
            rows.append(cells)
        return rows, i, bool(rows) and self.clean_end(i)

    def clean_end(self, j: int) -> bool:
        """What follows line j cannot be the rest of this table: a sentence, a heading, a TAB row,
        another table's header, the end of the text — never a cell left over."""
        ls = self.ls
        k = j
        while k < len(ls) and ls[k].cell and not ls[k].text:
            k += 1
        return k >= len(ls) or not ls[k].cell or _terminator(ls[k].text)


def _indicator_fits(spec: TableSpec):
    def fits(role: str, ln: Line, st: dict, cells: dict) -> bool:
        t = ln.text.replace(" ", "") if role in ("level1", "level2") else ln.text
        if role == "level1":
            if not t:
                return st.get("level1") is not None
            if t not in spec.level1:
                return False
            st["level1"], st["level2"] = t, None
            return True
        if role == "level2":
            l1_printed = "level1" in cells and cells["level1"].text
            if not t:
                return st.get("level2") is not None and not l1_printed
            if t not in spec.level2:
                return False
            l1 = st.get("level1")
            if l1 is not None and l1 in spec.levels and t not in spec.levels[l1]:
                return False
            st["level2"] = t
            return True
        if not t:
            return role in spec.blank_ok
        if _is_framework(spec, t) or _norm(t) in _all_header_words():
            return False
        if role in ("weight", "score"):
            return re.fullmatch(r"\d+(?:\.\d+)?\s*分?", t) is not None
        if role == "note":
            return len(t) <= 200
        return plain_cell(t)

    return fits


_NUMERIC = re.compile(r"[-+\d,.\s%‰]+|[≥≤><=≧≦].*")
_AMOUNT = re.compile(r"-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?")


def _project_fits(spec: TableSpec):
    grades = spec.extra.get("grades", {})
    totals = set(spec.extra.get("total_names", []))

    def fits(role: str, ln: Line, st: dict, cells: dict) -> bool:
        t = ln.text.strip()
        if not t:
            return role in spec.blank_ok
        if role == "name":
            # a name ending in an amount is a name run together with the next cell (PDF)
            return (t.replace(" ", "") in totals or (plain_cell(t) and not _NUMERIC.fullmatch(t)
                    and not re.search(r"\d\.\d+$|\d,\d{3}$", t)
                    and t not in grades and _norm(t) not in _all_header_words()))
        if role in ("budget_amount", "executed_amount"):
            return _AMOUNT.fullmatch(t) is not None
        if role == "execution_rate":
            return re.fullmatch(r"\d+(?:\.\d+)?\s*%", t) is not None
        if role == "score":
            m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*分?", t)
            return m is not None and float(m.group(1)) <= 100
        if role == "grade":
            return t in grades
        return len(t) <= 200 and _norm(t) not in spec.columns

    return fits


def tables(kind: str, text: str, ls: list[Line] | None = None,
           skip: list[tuple[int, int]] = ()) -> tuple[list[Flat], list[dict]]:
    """Flattened tables of a kind (`indicators` | `projects`) → (tables, warnings).

    `skip`: spans of headers already read as TAB rows (their tables are not read twice).
    """
    spec = specs()[kind]
    word = "三级指标" if kind == "indicators" else "项目名称"
    if word not in text:
        return [], []
    ls = lines(text) if ls is None else ls
    fits = _indicator_fits(spec) if kind == "indicators" else _project_fits(spec)
    found: list[Flat] = []
    warnings: list[dict] = []
    _read_all(kind, ls, fits, skip, found, warnings)
    # a whole table on one line, cells separated by spaces (a one-column sheet read from XLS): its
    # tokens are the cells, and the table must use up the line
    for ln in ls:
        if (ln.text[:1] in spec.openers and ln.cell and " " in ln.text and len(ln.text) > 40
                and _role(spec, Line(ln.text.split(" ", 1)[0], 0, 0, True))):
            toks = _tokens(ln)
            _read_all(kind, toks, fits, skip, found, warnings, whole=True)
    return found, warnings


def _printed(rows: list[dict[str, Line]]) -> list[list[tuple[str, int]]]:
    """The printed cells of each row with their columns (two readings agree when these do)."""
    return [[(role, ln.start) for role, ln in r.items() if ln.text] for r in rows]


def _tokens(ln: Line) -> list[Line]:
    out = []
    for m in re.finditer(r"\S+", ln.text):
        out.append(Line(m.group(0), ln.start + m.start(), ln.start + m.end(), True))
    return out


def _read_all(kind: str, ls: list[Line], fits, skip, found: list[Flat], warnings: list[dict],
              whole: bool = False) -> None:
    for h, roles, first in headers(kind, ls):
        if any(s <= ls[h].start < e for s, e in skip):
            continue
        reads = {}
        for mode in ("blank", "compact"):
            if mode == "compact" and kind == "indicators" and any(r in _FREE for r in roles):
                # empty cells dropped and a column that may be empty: the cells cannot be counted
                reads[mode] = ([], first, False)
                continue
            reads[mode] = _Reader(kind, ls, roles, fits, mode).read(first)
        if whole:
            reads = {m: (r[0], r[1], r[2] and r[1] == len(ls)) for m, r in reads.items()}
        good = [m for m in ("blank", "compact") if reads[m][2]]
        rows_b, rows_c = reads["blank"][0], reads["compact"][0]
        if not rows_b and not rows_c:
            k = first
            while k < len(ls) and ls[k].cell and not ls[k].text:
                k += 1
            if k >= len(ls) or not ls[k].cell or _terminator(ls[k].text):
                continue  # a header above a TAB table, or above nothing: not a flattened table
        same = len(good) == 2 and _printed(rows_b) == _printed(rows_c)
        if len(good) == 1 or same:
            rows, i, _ = reads[good[0]]
            found.append(Flat(kind, roles, rows, ls[h].start, ls[i - 1].end))
            continue
        n = max(len(rows_b), len(rows_c))
        warnings.append({
            "code": "flattened_table_unaligned",
            "message": f"a {'绩效指标' if kind == 'indicators' else '项目'} table printed one cell per line "
                       f"({len(roles)} columns) does not line up after {n} rows: not read",
            "field": kind, "span": [ls[h].start, ls[first - 1].end],
        })
