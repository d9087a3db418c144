"""extract_text: one normalised report text → the §2 object (without file-level keys).

The core takes text (and optionally the reader's Document for pages) so that it does not
depend on how the file was read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from .facts import extract_facts
from .findings import findings
from .gloss import GlossView, map_spans
from .identity import identify, with_region_prefix
from .indicators import indicators
from .line_items import line_items
from .ocr_trust import ROW_GROUPS, apply_ocr_trust
from .projects import project_name_from_title, projects
from .region import prefixes_for, resolve
from .tables import table_rows
from .textutil import finditer_near, fold, lines_holding

_TITLE_LINE = re.compile(r"[ \t]*([^\n\t]{4,60}?(?:绩效自评报告|绩效评价报告|自评报告|项目绩效目标完成情况表))[ \t]*$")
_ANNEX = re.compile(r"(?m)^[ \t]*(?:第[一二三四五六七八九十]+部分\s*附件|附件\s*\d{0,2})[ \t]*$")


class NotAReport(Exception):
    """A readable text that names no report type and no department."""


def _sections(text: str) -> tuple[list[int], list[tuple[str, str | None]]]:
    """Where the text switches between department-level and project-level parts."""
    starts: list[int] = [0]
    kinds: list[tuple[str, str | None]] = [("department", None)]
    for off in lines_holding(text, ("报告", "情况表")):
        end = text.find("\n", off)
        raw = text[off:] if end < 0 else text[off:end]
        if not (4 <= len(raw) <= 64) or "\t" in raw:
            continue
        m = _TITLE_LINE.match(raw)
        if not m:
            continue
        line = m.group(1)
        if "项目" in line and not re.search(r"部门整体|部门预算绩效|单位整体|部门（单位）|含部门预算项目", line):
            name = project_name_from_title(line) if "情况表" not in line else None
            starts.append(off + m.start(1))
            kinds.append(("project", name))
        elif re.search(r"部门|单位|整体", line):
            starts.append(off + m.start(1))
            kinds.append(("department", None))
    return starts, kinds


def extract_text(text: str, name: str = "", doc: Any = None) -> dict:
    """The extraction core on normalised text. Raises NotAReport for texts that are not reports."""
    original = text
    # the reader has folded its text already (NFKC, a superset of `fold`); a text given directly
    # may not have been
    view = GlossView(text if doc is not None else fold(text))  # 基本支出（Basic expenditure）: read past
    text = view.text
    ident = identify(text)
    if ident.report_type is None and ident.department_name is None:
        raise NotAReport("no report type (决算/预算/绩效自评) and no department name found in the text")
    place = resolve(ident.department_name, text)
    if ident.department_name:
        fuller = with_region_prefix(text, ident.department_name, prefixes_for(place))
        if fuller != ident.department_name:
            i = text.find(fuller)
            ident.department_name = fuller
            ident.spans["department_name"] = [i, i + len(fuller)]

    starts, kinds = _sections(text)

    def scope_at(pos: int) -> tuple[str, str | None]:
        return kinds[bisect_right(starts, pos) - 1]

    am = next(finditer_near(_ANNEX, text, ("附件",), "第一二三四五六七八九十部分"), None)
    rows = table_rows(text)
    fr = extract_facts(text, ident.report_type, ident.fiscal_year, scope_at, am.start() if am else None,
                       ident.department_name, rows)
    items = line_items(text, ident.report_type, rows)
    warnings = list(fr.warnings)
    inds = indicators(text, rows, warnings=warnings)
    titles = [(s, k[1]) for s, k in zip(starts, kinds, strict=True) if k[1]]
    projs, pconf = projects(text, rows, fr.project_signals, titles, warnings=warnings)
    probs, rems = findings(text)
    if place.ambiguous:
        warnings.append({"code": "region_ambiguous",
                         "message": f"county name shared by {len(place.ambiguous)} units and no province or "
                                    f"prefecture in the text settles it: {', '.join(place.ambiguous)}",
                         "field": "county", "span": ident.spans.get("department_name")})
    out = {
        "document": {
            "department_name": ident.department_name, "province": place.province, "city": place.city,
            "county": place.county, "division_code": place.division_code, "fiscal_year": ident.fiscal_year,
            "report_type": ident.report_type, "published_on": ident.published_on, "title": ident.title,
        },
        "document_spans": ident.spans,
        "facts": fr.facts,
        "conflicts": fr.conflicts + pconf,
        "line_items": items,
        "indicators": inds,
        "projects": projs,
        "problems": probs,
        "remedies": rems,
        "warnings": warnings,
    }
    map_spans(out, view)
    _restore_snippets(out, original)
    if doc is not None:
        _add_pages(out, doc)
        apply_ocr_trust(out, doc)
    return out


def _restore_snippets(out: dict, original: str) -> None:
    """Snippets and printed texts come from the text as given (fold is 1:1, spans are shared)."""
    from .textutil import snippet

    for key in ROW_GROUPS:
        for row in out[key]:
            if row.get("span"):
                s, e = row["span"]
                row["snippet"] = snippet(original, s, e if key != "indicators" else min(e, s + 60))
    for f in out["facts"]:
        s, e = f["span"]
        if f["as_reported"] and fold(original[s:e]).startswith(f["as_reported"]):
            f["as_reported"] = original[s : s + len(f["as_reported"])]


def _add_pages(out: dict, doc: Any) -> None:
    origin = getattr(doc, "origin", None)
    if origin is None:
        return
    origin_map = getattr(doc, "origin_map", None)
    paged = origin_map is None or origin_map.has_pages  # text, HTML: no page to look up
    for key in ROW_GROUPS:
        for row in out[key]:
            try:
                row["page"] = getattr(origin(row["span"][0]), "page", None) if paged else None
            except Exception:
                row["page"] = None
