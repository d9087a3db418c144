"""Problems (存在的问题) and remedies (改进建议 / 整改措施 / 下一步改进措施) as text rows.

Items are the numbered ones (1. / 1、 / （1） / 一是…二是…); a section with one unnumbered
paragraph gives one row; "无" gives none. A heading naming both (存在的主要问题及下一步改进措施)
is a parent heading and holds no items itself.
"""

from __future__ import annotations

import re

from .textutil import finditer_near

_NUM = r"(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]|\d{1,2}\s*[、.])?"
_PROB = re.compile(rf"(?m)^[ \t]*{_NUM}\s*(?:存在的?主要问题|存在的?问题|主要问题|问题及原因)\s*[。:]?[ \t]*")
_REM = re.compile(
    rf"(?m)^[ \t]*{_NUM}\s*(?:下一步改进措施|改进措施|改进建议|整改措施|整改情况"
    r"|下一步工作打算|相关建议|意见建议|改进意见)"
    r"\s*[。:]?[ \t]*"
)
# what a _PROB/_REM heading holds besides white space and digits: numbering, the keywords, 。/:
_NUMBERING = "()（）、.一二三四五六七八九十。:"
_PROB_NEAR = (("题",), _NUMBERING + "存在的主要问题及原因")  # one character is found fastest
_REM_NEAR = (("措", "议", "见", "整改情况", "工作打算"),  # single characters where they are rare enough
             _NUMBERING + "下一步改进措施建议整改情况工作打算相关意见")
_HEADING = re.compile(
    r"(?m)^[ \t]*(?:[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.]"
    r"|第[一二三四五六七八九十]+部分|附件|附表|附:)"
)
_ITEM = re.compile(r"(?m)(?:^[ \t]*(?:\d{1,2}\s*[.、)）]|[(（]\d{1,2}[)）]|[(（][一二三四五六七八九十]{1,3}[)）])\s*)"
                   r"|(?:[一二三四五六七八九十]是)")
_NONE = re.compile(r"^\s*(?:本年度|本年|今年)?\s*(?:无|没有|暂无|未发现)[^\n]{0,8}$")


_CN_ITEM = re.compile(r"[ \t]*[(（]([一二三四五六七八九十]{1,3})[)）]")
_CN_NUM = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _next_line(text: str, pos: int) -> int:
    nl = text.find("\n", pos)
    pos = len(text) if nl < 0 else nl + 1
    while pos < len(text) and text[pos] == "\n":
        pos += 1
    return pos


def _section(text: str, m: re.Match[str]) -> tuple[int, int]:
    start = m.end()
    first = re.compile(r"\s*").match(text, start).end()
    fm = None
    if not _CN_ITEM.match(text, first):
        second = _next_line(text, first)
        fm = _CN_ITEM.match(text, second) or _CN_ITEM.match(text, _next_line(text, second))
    if _CN_ITEM.match(text, first) or (fm and fm.group(1) == "一"):
        # items numbered like headings ((一)存在问题 → (一)… (二)…): the run of such lines; up to
        # two foreign lines inside the run (a page's footer, an advertisement) are passed over when
        # the line after them goes on with the next number
        pos = first
        last = 0
        while pos < len(text):
            im = _CN_ITEM.match(text, pos)
            if im is None:
                after = _next_line(text, pos)
                nm = _CN_ITEM.match(text, after)
                if nm is None:
                    after = _next_line(text, after)
                    nm = _CN_ITEM.match(text, after)
                if nm is None or _CN_NUM.get(nm.group(1)) != last + 1:
                    break
                pos, im = after, nm
            last = _CN_NUM.get(im.group(1), 0)
            pos = _next_line(text, pos)
        return start, pos
    h = _HEADING.search(text, start)
    end = h.start() if h else len(text)
    return start, end


def _items(text: str, start: int, end: int) -> list[dict]:
    body = text[start:end]
    if not body.strip():
        return []
    paras = [(mm.start() + start, mm.group(0)) for mm in re.finditer(r"[^\n]+", body)]
    paras = [(s, p) for s, p in paras if p.strip()]
    if not paras:
        return []
    if _NONE.match(paras[0][1]):
        return []
    marks = [m for m in _ITEM.finditer(text, start, end)]
    out: list[dict] = []
    if not marks and any(_NONE.match(p) for _s, p in paras):
        return []  # 无。 after a foreign line (a page's footer, an advertisement)
    if not marks:
        s, p = paras[0]
        lead = len(p) - len(p.lstrip())
        return [{"text": p.strip(), "span": [s + lead, s + len(p.rstrip())]}]
    for i, m in enumerate(marks):
        line_end = text.find("\n", m.end(), end)
        line_end = end if line_end < 0 else line_end
        stop = min(line_end, marks[i + 1].start() if i + 1 < len(marks) else end)
        t = text[m.end():stop].strip().rstrip(";；")
        if not t:
            continue
        s = m.end() + (len(text[m.end():stop]) - len(text[m.end():stop].lstrip()))
        out.append({"text": t, "span": [s, s + len(t)]})
    return out


def findings(text: str) -> tuple[list[dict], list[dict]]:
    problems: list[dict] = []
    remedies: list[dict] = []
    for rx, near, sink, other in ((_PROB, _PROB_NEAR, problems, _REM), (_REM, _REM_NEAR, remedies, _PROB)):
        for m in finditer_near(rx, text, *near):
            line_end = text.find("\n", m.start())
            line = text[m.start(): line_end if line_end >= 0 else len(text)]
            if other.search(line) or re.search(r"问题.*(?:措施|建议|整改|改进)", line):
                continue  # parent heading naming both
            if len(line) > 80 and m.end() - m.start() > 40:
                continue
            s, e = _section(text, m)
            ps, pe = _PROB.search(text, s, e), _REM.search(text, s, e)
            for nm in (ps, pe):
                if nm and nm.start() < e:
                    e = nm.start()
            sink.extend(_items(text, s, e))
    return problems, remedies
