"""Deterministic damage: the ways real reports arrive broken, recorded in the truth.

Each kind changes the printed blocks only; values in the truth stay what the report means
(a number broken across lines is still the same number). The two kinds that change what is
printed — text starting mid-page and a duplicated sentence with another value — change the
truth too, because the truth is rebuilt from the surviving blocks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from synth.model import Block, Mention, Report
from synth.textutil import fmt_amount, to_fullwidth, yuan

LIGHT_KINDS = ("fullwidth", "break_numbers", "spaces", "ads", "flatten_tables")
HEAVY_KINDS = (*LIGHT_KINDS, "gloss", "mid_page", "dup_conflict", "traditional")
ALL_KINDS = HEAVY_KINDS

_NUM = re.compile(r"(?<![\d.])(\d{2,})\.(\d{1,2})(?!\d)")
_SPACED = re.compile(r"(?<![\d.])(\d{2,4})(年|个|人|辆|家|批次|项)")

_ADS = (
    "【广告】专业代办各类资质证书，咨询热线：400-800-1234",
    "热烈庆祝本站访问量突破1000000人次！",
    "扫码关注官方微信公众号，领取20元话费红包",
    "本网站由某某网络科技有限公司提供技术支持　版权所有©2024",
    "点击下载客户端APP，随时随地查阅政务信息 >>",
    "友情链接：国务院客户端 | 省人民政府 | 市人民政府",
    "【推广】高价回收二手手机、笔记本电脑，上门服务，电话13800138000",
    "您是第 52371 位访问者　当前在线 37 人",
    "分享到：微信　微博　QQ空间　　【打印本页】【关闭窗口】",
    "网站标识码：5104000012　备案号：蜀ICP备12345678号-1",
)

_GLOSS = {
    "基本支出": ("（Basic expenditure）", "(jiben zhichu)"),
    "项目支出": ("（Project expenditure）", "(xiangmu zhichu)"),
    "三公": ("(san gong)", "（three public expenses）"),
    "收入总计": ("（Total revenue）", "(shouru zongji)"),
    "人员经费": ("（Personnel funds）", "(renyuan jingfei)"),
    "公用经费": ("（Public funds）", "(gongyong jingfei)"),
    "公务接待费": ("（Official reception）", "(gongwu jiedai fei)"),
    "部门决算": ("（Final accounts）", "(bumen juesuan)"),
    "部门预算": ("（Department budget）", "(bumen yusuan)"),
    "自评得分": ("（Self-evaluation score）", "(zipingdefen)"),
    "机关运行经费": ("（Agency operating funds）", "(jiguan yunxing jingfei)"),
}

_CONFLICTABLE = ("performance_score", "expenditure_total", "revenue_total", "three_public_total",
                 "staff_actual", "three_public_reception", "expenditure_basic", "agency_operating_expense")


def _text_blocks(rep: Report) -> list[Block]:
    return [b for b in rep.blocks if b.kind in ("para", "heading") and b.role not in ("ad",)]


def _map_cells(b: Block, fn: Callable[[str], str]) -> None:
    b.rows = [[fn(x) for x in row] for row in b.rows]


def _fullwidth(rep: Report, rng: random.Random) -> None:
    for b in rep.blocks:
        if rng.random() < 0.5:
            if b.kind == "table":
                _map_cells(b, to_fullwidth)
            else:
                b.text = to_fullwidth(b.text)


def _break_numbers(rep: Report, rng: random.Random) -> None:
    def brk(m: re.Match[str]) -> str:
        if rng.random() < 0.35:
            return f"{m.group(1)}.\n{m.group(2)}"
        return m.group(0)

    for b in _text_blocks(rep):
        if b.kind == "para":
            b.text = _NUM.sub(brk, b.text)


def _spaces(rep: Report, rng: random.Random) -> None:
    def sp(m: re.Match[str]) -> str:
        if rng.random() < 0.4:
            return " ".join(m.group(1)) + " " + m.group(2)
        return m.group(0)

    for b in _text_blocks(rep):
        b.text = _SPACED.sub(sp, b.text)


def _ads(rep: Report, rng: random.Random) -> None:
    for _ in range(rng.randint(2, 5)):
        pos = rng.randint(0, len(rep.blocks))
        rep.blocks.insert(pos, Block("para", text=rng.choice(_ADS), role="ad"))


def _flatten(rep: Report, rng: random.Random) -> None:
    for i, b in enumerate(rep.blocks):
        if b.kind == "table":
            indent = "\t" if rng.random() < 0.5 else ""
            text = "\n".join(indent + cell for row in b.rows for cell in row)
            nb = Block("para", text=text, mentions=b.mentions, line_items=b.line_items, indicators=b.indicators,
                       projects=b.projects, doc_fields=b.doc_fields, role="flattened_table")
            rep.blocks[i] = nb
    rep.style["tables_flattened"] = True


def _gloss(rep: Report, rng: random.Random) -> None:
    keys = list(_GLOSS)
    for b in _text_blocks(rep):
        for k in keys:
            if k in b.text and rng.random() < 0.5:
                g = rng.choice(_GLOSS[k])
                b.text = b.text.replace(k, k + g, 1)


def _mid_page(rep: Report, rng: random.Random) -> None:
    n = len(rep.blocks)
    k = rng.randint(2, max(2, min(8, n // 6)))
    del rep.blocks[:k]
    first = rep.blocks[0] if rep.blocks else None
    if first is not None and first.kind == "para" and not first.mentions and len(first.text) > 12 \
            and not (first.line_items or first.indicators or first.problems or first.remedies):
        cut = rng.randint(3, len(first.text) // 2)
        first.text = first.text[cut:]
        first.doc_fields.pop("department_name", None)
        if rep.document["department_name"] and rep.document["department_name"] in first.text:
            first.doc_fields["department_name"] = rep.document["department_name"]


def _replace_once(text: str, old: str, new: str) -> str | None:
    pat = re.compile(r"(?<![\d.])" + re.escape(old) + r"(?![\d])")
    found = pat.findall(text)
    if len(found) != 1:
        return None
    return pat.sub(new, text, count=1)


def _dup_conflict(rep: Report, rng: random.Random) -> None:
    cands: list[tuple[int, Mention]] = []
    for i, b in enumerate(rep.blocks):
        if b.kind != "para" or b.role:
            continue
        for m in b.mentions:
            if m.field in _CONFLICTABLE and m.value and not m.conflict and m.unit:
                cands.append((i, m))
    rng.shuffle(cands)
    for i, m in cands:
        b = rep.blocks[i]
        printed = m.as_reported
        if m.field == "performance_score":
            nv: float | int = max(0, min(100, int(m.value or 0) + rng.choice((-6, -4, -3, 3, 4, 5))))
            if nv == m.value:
                continue
            new_printed = str(nv)
        elif m.field in ("staff_actual",):
            nv = int(m.value or 0) + rng.randint(1, 5)
            new_printed = str(nv)
        else:
            unit_cents = {"元": 1, "万元": 10_000, "亿元": 100_000_000}[m.unit or "元"]
            cents = round((m.value or 0) * 100)
            delta = max(unit_cents, int(cents * rng.uniform(0.03, 0.2)) // unit_cents * unit_cents)
            nc = cents // unit_cents * unit_cents + delta
            two = "." in printed and len(printed.split(".")[1]) == 2
            new_printed = fmt_amount(nc, m.unit or "元", strip=not two, thousands="," in printed)
            nv = yuan(nc)
        new_text = _replace_once(b.text, printed, new_printed)
        if new_text is None:
            continue
        dup = Block("para", text=new_text, role="dup_conflict",
                    mentions=[Mention(m.field, nv, new_printed, m.unit, conflict=True)])
        pos = min(len(rep.blocks), i + 1 + rng.randint(0, 6))
        rep.blocks.insert(pos, dup)
        return
    rep.damage.remove("dup_conflict")  # nothing suitable: do not claim it


def _traditional(rep: Report, rng: random.Random) -> None:
    rep.script = "traditional"


_APPLY: dict[str, Callable[[Report, random.Random], None]] = {
    "mid_page": _mid_page,
    "dup_conflict": _dup_conflict,
    "flatten_tables": _flatten,
    "gloss": _gloss,
    "ads": _ads,
    "break_numbers": _break_numbers,
    "spaces": _spaces,
    "fullwidth": _fullwidth,
    "traditional": _traditional,
}
# order of application: structural changes first, character-level ones last
_ORDER = ("mid_page", "dup_conflict", "flatten_tables", "gloss", "ads", "break_numbers", "spaces", "fullwidth",
          "traditional")


def choose_kinds(level: str, rng: random.Random) -> list[str]:
    """Pick damage kinds for a level: none, light (1–2 mild kinds) or heavy (3–5 of all)."""
    if level == "none":
        return []
    if level == "light":
        return rng.sample(LIGHT_KINDS, rng.randint(1, 2))
    if level == "heavy":
        return rng.sample(HEAVY_KINDS, rng.randint(3, 5))
    kinds = [k.strip() for k in level.split("+") if k.strip()]
    bad = [k for k in kinds if k not in _APPLY]
    if bad:
        raise ValueError(f"unknown damage kind(s) {bad}; known: {sorted(_APPLY)}")
    return kinds


def apply_damage(rep: Report, kinds: list[str], rng: random.Random) -> Report:
    """Return a damaged copy of rep; rep itself is left untouched."""
    out = rep.clone()
    ordered = [k for k in _ORDER if k in kinds]
    out.damage = list(ordered)
    for k in ordered:
        _APPLY[k](out, rng)
    return out
