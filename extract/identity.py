"""Document identity: title, department, fiscal year, report type, publication date.

Why careful rules: these make the document key (department|year|type) of the warehouse, so a
wrong year or type silently merges two reports. The year is the year reported on (the title's
year), never the publication year; the type comes from the title, else from the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .textutil import finditer_near, occurrences, squeeze

_ORG_END = r"(?:局|委员会|委|办公室|办|中心|院|会|部|厅|所|站|队|馆|学校|政府|处|室|社|团|署|园|场|公司)"
_REPORT_WORDS = re.compile(
    r"部门决算|单位决算|决算|部门预算|单位预算|预算|绩效自评|绩效评价|自评报告|评价报告|整体支出|决算公开|预算公开"
)
_YEAR = re.compile(r"(\d{4})\s*年度?")
_TITLE_NAME = re.compile(
    rf"^\s*(?:\d{{4}}\s*年度?)?\s*(?P<name>[\u4e00-\u9fff（）()]{{2,40}}?{_ORG_END})\s*"
    r"(?:\d{4}\s*年度?)?\s*(?:部门|单位|本级|整体|预算|决算|绩效|关于|$)"
)
_ORG_LINE = re.compile(rf"^\s*(?P<name>[\u4e00-\u9fff（）()]{{3,40}}?{_ORG_END})\s*$")
_ABBR = re.compile(rf"(?P<name>[\u4e00-\u9fff]{{3,40}}?{_ORG_END})\s*[(（]\s*(?:以下)?简称")
_UNIT_CELL = re.compile(
    r"(?:预算单位|单位名称|部门名称|填报单位)\s*[:：\t\n ]\s*"
    rf"(?P<name>[\u4e00-\u9fff]{{3,40}}?{_ORG_END})\s*(?:\n|\t|$)"
)
_PUBLISHED = re.compile(
    r"(?:公开时间|发布时间|发布日期|公开日期|公布时间)\s*[:：]?\s*"
    r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})(?:\s*日|(?!\d))"
)
# every _PUBLISHED match holds 时间 or 日期; the rest of it is made of these, digits and spaces
_PUBLISHED_NEAR = (("时间", "日期"), "公开时间发布日期公布:：年-/.月日")
# a signing date alone on one of the last lines, or after the signing organisation's name when the
# layout ran the two signature lines together (XX局2023年10月19日)
_DATE_LINE = re.compile(rf"^\s*(?:[\u4e00-\u9fff()]{{3,40}}?{_ORG_END}\s*)?"
                        r"(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*$")
_BAD_NAME = re.compile(r"^(?:我|本|该|县|区|市|局|各|全|度|年)|简称|报告|说明|情况|部门决算|部门预算")


# site navigation around an article (breadcrumbs, menus): never the title
_SENTENCE_PUNCT = re.compile(r"[。，,；;：:]")
_NAV = re.compile(r">|»|当前位置|首页|主办|版权所有|网站|栏目")


def _bad_name(name: str) -> bool:
    """Not a department's full name: 我局/本单位/县XX局 short forms, 简称, report words. A name that
    starts with a real place (本溪满族自治县…, 市中区…) is fine."""
    if not _BAD_NAME.search(name):
        return False
    if name[0] in "度年":  # the tail of "2019年度" glued to a short form ("2019年度本局")
        return True
    short_form = re.match(r"^(?:我|本|该|县|区|市|局|各|全)", name)
    if short_form and not re.search(r"简称|报告|说明|情况|部门决算|部门预算", name):
        from .region import gazetteer

        g = gazetteer()
        m = g.county_re.match(name) or g.pref_re.match(name)
        return not (m and len(m.group(0)) >= 3)
    return True


@dataclass
class Identity:
    title: str | None = None
    department_name: str | None = None
    fiscal_year: int | None = None
    report_type: str | None = None
    published_on: str | None = None
    spans: dict[str, list[int]] = field(default_factory=dict)
    department_disagreement: list[str] = field(default_factory=list)


def _type_of(s: str) -> str | None:
    s = s.replace("预决算", "")  # 部门预决算 (a site section naming both) says neither
    if re.search(r"绩效\s*(?:自评|评价)|自评报告", s):
        return "performance_evaluation"
    if "决算" in s:
        return "final_accounts"
    if "预算" in s:
        return "budget"
    return None


def find_title(text: str) -> tuple[str | None, int, int]:
    """The report title: the first early line naming a report type, joined with a broken line."""
    lines = []
    pos = 0
    for raw in text.split("\n", 40)[:40]:
        lines.append((pos, raw))
        pos += len(raw) + 1
    nonempty = [(p, r) for p, r in lines if r.strip()]
    for i, (p, r) in enumerate(nonempty[:15]):
        s = r.strip()
        if (len(s) > 60 or "\t" in s or s.startswith(("第", "目录", "一、", "（")) or _NAV.search(s)
                or _SENTENCE_PUNCT.search(s)):
            continue
        if not (_REPORT_WORDS.search(s) and (_type_of(s) or "报告" in s)):
            continue
        start, end = p + (len(r) - len(r.lstrip())), p + len(r.rstrip())
        # a title broken across two lines: "2023 年度米易县经济" + "信息化和科学技术局部门决算"
        if i > 0:
            pp, pr = nonempty[i - 1]
            ps = pr.strip()
            if (ps and len(ps) <= 30 and not re.search(r"[。，,:：;；]", ps) and pp + len(pr) + 1 >= p - 2
                    and not _ORG_LINE.match(ps) and _YEAR.search(ps) and not _YEAR.search(s[:6])):
                start = pp + (len(pr) - len(pr.lstrip()))
        if i + 1 < len(nonempty) and not _type_of(s):
            np_, nr = nonempty[i + 1]
            if _type_of(nr.strip()) and len(nr.strip()) < 30:
                end = np_ + len(nr.rstrip())
        return squeeze(text[start:end].replace("\n", "")), start, end
    return None, -1, -1


_BODY_TYPES = (
    ("final_accounts", re.compile(r"决算情况说明|收入支出决算总表|决算总体情况|部门决算")),
    ("budget", re.compile(r"预算情况说明|收支预算总表|收支预算总体情况|部门预算编制说明"
                          r"|部门预算(?!执行|绩效|管理|整体)")),
    ("performance_evaluation", re.compile(r"绩效自评报告|绩效评价报告|绩效自评|绩效目标设置及完成情况")),
)
# (every alternative opens with a literal: the engine then skips to where one can start)
_STRONG_TYPES = (
    ("final_accounts", re.compile(r"部门决算情况说明|单位决算情况说明|收入支出决算总表|决算总体情况")),
    ("budget", re.compile(r"部门预算情况说明|单位预算情况说明|收支预算总表|收支预算总体情况|部门预算编制说明")),
)


def _report_type_from_body(text: str) -> str | None:
    """Without a title: the part headings a report of each type prints (部门决算情况说明 …), else
    the first type word; navigation lines (部门预决算 menus) say nothing."""
    strong = {t for t, rx in _STRONG_TYPES if rx.search(text)}
    if len(strong) == 1:
        return strong.pop()
    if strong:
        return None  # both kinds of heading: do not guess
    body = "\n".join(line for line in text.split("\n") if not _NAV.search(line)).replace("预决算", "")
    for t, rx in _BODY_TYPES:
        if rx.search(body):
            if t == "budget" and "决算" in body[:3000]:
                continue
            return t
    return None


def _fiscal_year_from_body(text: str, report_type: str | None) -> tuple[int | None, int, int]:
    for rx, anchors in _YEAR_IN_BODY:
        m = next(finditer_near(rx, text, anchors, "年度部门决算预算整体支出情况说明"), None)
        if m:
            return int(m.group(1)), m.start(1), m.end(1)
    return None, -1, -1


# a year before a report's own name for itself, in order of trust; each found near its words
_YEAR_IN_BODY = [
    (re.compile(r"(\d{4})\s*年度?\s*部门(?:决算|预算)"), ("部门决算", "部门预算")),
    (re.compile(r"(\d{4})\s*年度?\s*部门整体支出"), ("部门整体支出",)),
    (re.compile(r"(\d{4})\s*年度?\s*(?:决算|预算)情况说明"), ("决算情况说明", "预算情况说明")),
]


# The department as the subject of a sentence about itself, for texts whose title and first page
# are lost: "XX局内设3个股室", "XX局2023年度财政资金收入…", "2023年度，XX局机关运行经费支出…",
# an annex title "XX局2023年度部门整体支出绩效自评报告". Only a sentence or line start counts
# (not "其中，XX中心…"), and only a name that opens with a real place (the gazetteer's county or
# prefecture, after at most a province): a short form (教育局内设…) is not a department's name.
_BODY_NAME = re.compile(
    r"(?:^|(?<=[\n。;]))[ \t]*(?:\d{4}\s*年度?\s*,\s*)?"
    rf"(?P<name>[\u4e00-\u9fff]{{3,40}}?{_ORG_END})[ \t]*"
    r"(?P<what>(?:机关)?(?:内设|下设|设有)|\d{4}\s*年|机关运行经费)",
    re.M,
)


_DATED_WHAT = re.compile(r"\s*度?\s*(?:部门|单位|整体|本年|财政|收|支|预算|决算|“?三公|一般公共|机关运行|绩效)")


def _place_opened(name: str) -> bool:
    from .region import _PLACE_PREFIX, gazetteer

    g = gazetteer()
    m = g.county_re.search(name)
    if m and _PLACE_PREFIX(g).fullmatch(name[: m.start()]) and len(name) > m.end():
        return True
    m = g.pref_re.match(name) or g.prov_re.match(name)
    return bool(m and len(name) > m.end() + 1)


def _body_department(text: str) -> tuple[str | None, int, list[str]]:
    """The department named as the subject of the report's own sentences; (None, -1, names) when
    those sentences name different organisations (a subordinate unit's, another department's)."""
    found: list[tuple[str, int]] = []
    for m in _BODY_NAME.finditer(text):
        name = m.group("name")
        if m.group("what")[:1].isdigit():
            # a dated line must be about the report's figures or be a report title
            tail = text[m.end("what"): m.end("what") + 16]
            if not _DATED_WHAT.match(tail):
                continue
        if _bad_name(name) or not _place_opened(name):
            continue
        found.append((name, m.start("name")))
    if not found:
        return None, -1, []
    name, pos = found[0]
    for other, opos in found[1:]:
        if other == name or name.endswith(other):
            continue
        if other.endswith(name):
            name, pos = other, opos
            continue
        return None, -1, sorted({n for n, _ in found})
    return name, pos, []


# a year dating one of the report's own figures: at a clause start or right after the
# department's name (…局2023年度财政资金收入), then a fact label (2023年度本年收入合计…,
# 2023年度“三公”经费…). Not 截至2023年12月31日, not 比2022年“三公”经费….
_DATED = re.compile(r"(?:^|(?<=[\n。;,:])|(?<=[局委办院心站所队馆会室处股社部厅]))[ \t]*(\d{4})\s*年度?\s*,?\s*", re.M)


def _fiscal_year_from_figures(text: str) -> tuple[int | None, int, int]:
    """The year that dates the report's figures, when at least two figures are dated and every
    dated figure has the same year; otherwise none (a report comparing two years says neither)."""
    from .labels import catalog

    cat = catalog()
    years: list[tuple[int, int, int]] = []
    for m in _DATED.finditer(text):
        y = int(m.group(1))
        if not 1990 < y < 2100:
            continue
        pos = m.end()
        # an organisation's name may stand between the year and the label (2023年度，XX局机关运行经费)
        nm = re.match(rf"[\u4e00-\u9fff]{{2,30}}?{_ORG_END}", text[pos: pos + 32])
        lm = cat.scanner.match(text, pos)
        if lm is None and nm is not None:
            lm = cat.scanner.match(text, pos + nm.end())
        if lm is not None and cat.group_fields.get(_canon(lm.group(0))):
            years.append((y, m.start(1), m.end(1)))
    if len(years) >= 2 and len({y for y, _, _ in years}) == 1:
        return years[0]
    return None, -1, -1


def _canon(label: str) -> str:
    from .labels import canon

    return canon(label)


def _department_candidates(text: str, title: str | None, title_start: int) -> list[tuple[str, int]]:
    """Names found where a report names its author, in order of trust."""
    out: list[tuple[str, int]] = []
    head = text[:400]
    if title:
        m = _TITLE_NAME.match(title)
        if m and not _bad_name(m.group("name")):
            # locate it in the text for a span (the title may be broken across lines)
            name = m.group("name")
            i = text.find(name[:4], max(0, title_start - 60))
            out.append((name, i))
    # a name alone on one of the first lines (name, then the title on the next line)
    p = 0
    for line in head.split("\n")[:6]:
        m = _ORG_LINE.match(line)
        if m and not _bad_name(m.group("name")):
            out.append((m.group("name"), p + m.start("name")))
        p += len(line) + 1
    # the signature at the end: a name alone on a line among the last lines
    tail_lines = text.rstrip().rsplit("\n", 8)[-8:]
    base = len(text.rstrip()) - len("\n".join(tail_lines))
    p = base
    for line in tail_lines:
        m = _ORG_LINE.match(line)
        if m and not _bad_name(m.group("name")):
            out.append((m.group("name"), p + m.start("name")))
        p += len(line) + 1
    # "XX局（简称…）" and "预算单位 XX": anchored on the rare word, the name read backwards/forwards
    for t in re.finditer(r"简称", text):
        m = None
        for m2 in _ABBR.finditer(text, max(0, t.start() - 45), t.end()):
            m = m2
            break
        if m and not _bad_name(m.group("name")):
            out.append((m.group("name"), m.start("name")))
    for t in re.finditer(r"预算单位|单位名称|部门名称|填报单位", text):
        m = _UNIT_CELL.match(text, t.start())
        if m and not _bad_name(m.group("name")):
            out.append((m.group("name"), m.start("name")))
    out.extend(_annex_title_names(text))
    return out


def _annex_title_names(text: str) -> list[tuple[str, int]]:
    """Annex titles: a name alone on a line, followed (a blank line between at most) by a dated
    report title line; found from the dated lines, which are few."""
    found = []
    for ds in _dated_lines(text):
        prev_end = ds - 1
        if prev_end < 0:
            continue
        prev_start = text.rfind("\n", 0, prev_end) + 1
        if not text[prev_start:prev_end].strip() and prev_start > 0:  # one blank line between
            prev_end = prev_start - 1
            prev_start = text.rfind("\n", 0, prev_end) + 1
        line = text[prev_start:prev_end]
        if 3 <= len(line.strip()) <= 40:
            m = _ORG_LINE.match(line)
            if m and not _bad_name(m.group("name")):
                found.append((prev_start + m.start("name"), m.group("name")))
    return [(name, pos) for pos, name in sorted(found)]


_DATED_LINE_START = re.compile(r"\s*\d{4}\s*年")


def _dated_lines(text: str) -> list[int]:
    """Starts of the lines that open with a year (`2023年度…`), found from the 年 characters."""
    out: list[int] = []
    for i in occurrences(text, "年"):
        # a year's 年 follows a digit or a space (2023年, 2023 年), on the same line
        if i and (text[i - 1].isdecimal() or text[i - 1].isspace()):
            ls = text.rfind("\n", 0, i) + 1
            if (not out or out[-1] != ls) and _DATED_LINE_START.match(text, ls, i + 1):
                out.append(ls)
    return out


def identify(text: str) -> Identity:
    ident = Identity()
    title, ts, te = find_title(text)
    ident.title = title
    if title:
        ident.spans["title"] = [ts, te]
        ident.report_type = _type_of(title)
        ym = _YEAR.search(title)
        if ym:
            ident.fiscal_year = int(ym.group(1))
            m2 = re.search(ym.group(1)[:2] + r"\s*" + ym.group(1)[2:], text[ts : te + 1])
            if m2:
                ident.spans["fiscal_year"] = [ts + m2.start(), ts + m2.end()]
    if ident.report_type is None:
        ident.report_type = _report_type_from_body(text)
    if ident.fiscal_year is None:
        y, s, e = _fiscal_year_from_body(text, ident.report_type)
        if not y:
            y, s, e = _fiscal_year_from_figures(text)
        if y:
            ident.fiscal_year = y
            ident.spans["fiscal_year"] = [s, e]
    if ident.report_type == "performance_evaluation" and title and "决算" in title:
        ident.report_type = "final_accounts"

    cands = _department_candidates(text, title, ts)
    if cands:
        ident.department_name, pos = _fullest(text, cands)
        if pos >= 0:
            ident.spans["department_name"] = [pos, pos + len(ident.department_name)]
    else:
        name, pos, ident.department_disagreement = _body_department(text)
        if name:
            ident.department_name = name
            ident.spans["department_name"] = [pos, pos + len(name)]

    m = next(finditer_near(_PUBLISHED, text, *_PUBLISHED_NEAR), None)
    if m:
        ident.published_on = _iso(m.group(1), m.group(2), m.group(3))
        ident.spans["published_on"] = [m.start(1), m.end()]
    else:
        tail = text.rstrip()
        lines = tail.split("\n")[-6:]
        off = len(tail) - len("\n".join(lines))
        for line in lines:
            dm = _DATE_LINE.match(line)
            if dm:
                ident.published_on = _iso(dm.group(1), dm.group(2), dm.group(3))
                day_end = off + dm.end(3) + (line[dm.end(3):].lstrip()[:1] == "日")
                ident.spans["published_on"] = [off + dm.start(1), day_end]
            off += len(line) + 1
        if ident.published_on is None and ident.department_name:
            _signature_date(text, ident)
    return ident


_DATE_ONLY = re.compile(r"^[ \t]*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?[ \t]*$", re.M)


def _signature_date(text: str, ident: Identity) -> None:
    """The signature block anywhere in the text — the department's name alone on a line, its date
    alone on the next — when the report's own text is followed by more (the tables of a workbook's
    other sheets). Only one such signature date: two different ones say neither."""
    dept = ident.department_name or ""
    found: dict[str, tuple[int, int]] = {}
    for dm in _DATE_ONLY.finditer(text):
        prev_end = dm.start() - 1
        prev_start = text.rfind("\n", 0, max(0, prev_end)) + 1
        prev = text[prev_start:max(prev_start, prev_end)].strip()
        if len(prev) >= 3 and (prev == dept or dept.endswith(prev) or prev.endswith(dept)):
            iso = _iso(dm.group(1), dm.group(2), dm.group(3))
            if iso:
                found.setdefault(iso, (dm.start(1), dm.end(3) + (text[dm.end(3):dm.end(3) + 1] == "日")))
    if len(found) == 1:
        (iso, span), = found.items()
        ident.published_on = iso
        ident.spans["published_on"] = list(span)


def _iso(y: str, m: str, d: str) -> str | None:
    yi, mi, di = int(y), int(m), int(d)
    if not (1 <= mi <= 12 and 1 <= di <= 31):
        return None
    return f"{yi:04d}-{mi:02d}-{di:02d}"


def _fullest(text: str, cands: list[tuple[str, int]]) -> tuple[str, int]:
    """The most trusted name, in the fullest form printed (攀枝花市仁和区… over 仁和区…)."""
    name, pos = cands[0]
    for other, opos in cands[1:]:
        if other != name and other.endswith(name) and len(other) > len(name):
            name, pos = other, opos
    return name, pos


def with_region_prefix(text: str, name: str, prefixes: list[str]) -> str:
    """Prefer `<prefecture><name>` when the report prints it (the same department, fuller)."""
    best = name
    for p in prefixes:
        if p and not name.startswith(p) and (p + name) in text and len(p + name) > len(best):
            best = p + name
    return best
