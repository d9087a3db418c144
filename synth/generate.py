"""Report builders: choose a department, draw figures and write the report with varied wording.

Three builders (final accounts, budget, performance self-evaluation) share sentence pools.
Every headline fact has several phrasings, so an extractor cannot learn one template.
"""

# Chinese template strings count double width; wrapping each one would hurt readability.
# ruff: noqa: E501

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import date
from typing import Any

from synth.departments import KINDS, PROBLEMS, REMEDIES, DeptKind, IndicatorSpec, kind_by_key
from synth.model import REPORT_TYPES, Report
from synth.numbers import WAN, Figures, grade_for, make_figures
from synth.places import County, counties
from synth.textutil import cn_number, fmt_pct, yuan
from synth.writer import Writer


def _pick(rng: random.Random, options: list[Callable[[], str]]) -> str:
    return options[rng.randrange(len(options))]()


def _chg(rng: random.Random, w: Writer, cur: int, prev: int) -> str:
    """'增加1703.97万元，增长142.48%' style change clause (never a fact)."""
    d = cur - prev
    if prev == 0:
        return "上年无此项支出" if cur else "与上年持平"
    pct = abs(d) / prev
    if d == 0:
        return "与上年持平"
    up = d > 0
    word = rng.choice((("增加", "增长"), ("增加", "增长"), ("上升", "增长"))) if up else \
        rng.choice((("减少", "下降"), ("减少", "下降"), ("下降", "减少")))
    return f"{word[0]}{w.money(None, abs(d))}，{word[1]}{w.pct(None, pct)}"


_REASONS = ("人员变动及工资调标", "项目资金增加", "上级转移支付资金增加", "落实过紧日子要求压减一般性支出",
            "部分项目完工资金需求减少", "新增专项工作任务", "机构改革职能调整", "严控公务支出")


class _Ctx:
    """Shared state of one report being written."""

    def __init__(self, rng: random.Random, rtype: str, kind: DeptKind, county: County, year: int) -> None:
        self.rng = rng
        self.rtype = rtype
        self.kind = kind
        self.county = county
        self.year = year
        core = rng.choice(kind.names)
        self.dept = f"{county.name}{core}"
        tail = core[-1] if core.endswith(("局", "会")) else "局"
        short_core = core.replace("委员会", "委")
        self.short_forms = [f"我{tail}", f"本{tail}", f"{county.name[-1]}{short_core}", "本部门", "本单位"]
        unit = "万元" if rng.random() < 0.8 else "元"
        self.style: dict[str, Any] = {
            "unit": unit,
            "table_unit": unit if rng.random() < 0.7 else ("元" if unit == "万元" else "万元"),
            "strip": rng.random() < 0.6,
            "thousands": rng.random() < 0.4,
            "spaced": rng.random() < 0.25,
            "pct_decimals": rng.choice((2, 2, 2, 0, 1)),
            "part_style": rng.choice(("第一部分", "一、")),
            "prob_style": rng.choice(("num", "cn", "inline", "paren")),
            "cn_counts": rng.random() < 0.15,
        }
        if self.style["table_unit"] == "万元" and unit == "元":
            self.style["table_unit"] = "元"  # cent-precise figures are never rounded into 万元
        self.q = 10_000 if unit == "万元" else 1
        self.fig: Figures = make_figures(rng, kind, self.q)
        self.w = Writer(rng, self.style, self.dept)
        self.listing = 0  # numbers each printed listing of line items (prose, table)
        self.document: dict[str, Any] = {}

    def short(self) -> str:
        return self.rng.choice(self.short_forms)

    def y(self, offset: int = 0) -> str:
        sp = " " if self.style["spaced"] else ""
        return f"{sp}{self.year + offset}{sp}年"


# ---------------------------------------------------------------------------------------
# shared sections
# ---------------------------------------------------------------------------------------

def _title(c: _Ctx) -> None:
    r, y, d = c.rng, c.year, c.dept
    if c.rtype == "final_accounts":
        opts = [f"{d}{y}年度部门决算", f"{y}年度{d}部门决算", f"{d}{y}年部门决算公开说明",
                f"{y}年{d}部门决算情况说明", f"{d}\n{y}年度部门决算"]
    elif c.rtype == "budget":
        opts = [f"{d}{y}年部门预算", f"{y}年度{d}部门预算", f"{d}{y}年度部门预算公开说明",
                f"{y}年{d}部门预算情况说明"]
    else:
        opts = [f"{d}{y}年度部门整体支出绩效自评报告", f"{y}年{d}部门整体支出绩效自评报告",
                f"{d}{y}年部门预算整体绩效自评报告", f"{d}关于{y}年度部门整体支出绩效自评情况的报告",
                f"{y}年度{d}部门整体支出绩效评价报告"]
    title = r.choice(opts)
    parts = title.split("\n")
    for i, p in enumerate(parts):
        b = c.w.heading(p, level=0, role="title" if i == len(parts) - 1 else "title_part")
        b.doc_fields["title"] = title.replace("\n", "")
        b.doc_fields["fiscal_year"] = y


def _published(c: _Ctx) -> date:
    r = c.rng
    if c.rtype == "budget":
        return date(c.year, r.randint(1, 3), r.randint(1, 28))
    return date(c.year + 1, r.randint(3, 10), r.randint(1, 28))


def _date_text(r: random.Random, d: date) -> str:
    return r.choice((f"{d.year}年{d.month}月{d.day}日", f"{d.year}-{d.month:02d}-{d.day:02d}",
                     f"{d.year}年{d.month:02d}月{d.day:02d}日", f"{d.year}.{d.month}.{d.day}"))


def _pub_line(c: _Ctx) -> None:
    d = _published(c)
    c.document["published_on"] = d.isoformat()
    b = c.w.para(c.rng.choice(("公开时间：", "发布日期：", "公开日期：")) + _date_text(c.rng, d))
    b.doc_fields["published_on"] = d.isoformat()


def _signature(c: _Ctx) -> None:
    d = _published(c)
    c.document["published_on"] = d.isoformat()
    c.w.para(c.dept)
    b = c.w.para(_date_text(c.rng, d))
    b.doc_fields["published_on"] = d.isoformat()


def _part(c: _Ctx, n: int, text: str) -> None:
    if c.style["part_style"] == "第一部分":
        c.w.heading(f"第{cn_number(n)}部分 {text}", level=1)
    else:
        c.w.heading(f"{cn_number(n)}、{text}", level=1)


def _sec(c: _Ctx, n: int, text: str) -> None:
    lvl = 2 if c.style["part_style"] == "第一部分" else 3
    mark = f"{cn_number(n)}、" if lvl == 2 else f"（{cn_number(n)}）"
    c.w.heading(f"{mark}{text}", level=lvl)


def _duties(c: _Ctx) -> None:
    r, w = c.rng, c.w
    duties = list(c.kind.duties)
    r.shuffle(duties)
    style = r.choice(("num", "paren", "cn"))
    lvl = c.county.name[-1] if c.county.name.endswith(("区", "市", "旗")) else "县"
    for i, d in enumerate(duties, 1):
        mark = {"num": f"{i}.", "paren": f"（{i}）", "cn": f"{cn_number(i)}是"}[style]
        w.para(f"{mark}{d.replace('全县', '全' + lvl)}。")
    w.para(r.choice((f"完成{lvl}委、{lvl}政府交办的其他任务。", "承办上级交办的其他事项。")))


def _org(c: _Ctx) -> None:
    r, w, k = c.rng, c.w, c.kind
    offices = list(k.offices[: r.randint(3, len(k.offices))])
    subs = list(k.subunits[: r.randint(0, len(k.subunits))])
    s = f"{c.dept}内设{len(offices)}个股室（{'、'.join(offices)}）"
    if subs:
        s += f"，下属事业单位{len(subs)}个：" + "、".join(c.county.name + x for x in subs)
    else:
        s += "，无下属二级预算单位"
    w.para(s + "。")


def _staff(c: _Ctx) -> None:
    r, w, n = c.rng, c.w, c.fig.counts
    a, b = n["staff_authorized"], n["staff_actual"]
    d = r.randint(0, 3)
    opts = [
        lambda: f"核定编制{w.count('staff_authorized', a, '名')}，年末实有人员{w.count('staff_actual', b, '人')}。",
        lambda: f"截至{c.y()}12月31日，{c.short()}编制{w.count('staff_authorized', a, '人')}，"
                f"在职实有人数{w.count('staff_actual', b, '人')}。",
        lambda: f"单位编制人数{w.count('staff_authorized', a, '人')}，实有在职人员{w.count('staff_actual', b, '人')}，"
                f"较上年{'减少' if d else '持平'}{str(d) + '人' if d else ''}。",
        lambda: f"{c.short()}共核定编制{w.count('staff_authorized', a, '个')}，年末在职实有人数"
                f"{w.count('staff_actual', b, '人')}，在职人数控制率{fmt_pct(b / a, 1)}%。",
        lambda: f"年末在职实有{w.count('staff_actual', b, '人')}（核定编制{w.count('staff_authorized', a, '名')}）。",
    ]
    if r.random() < 0.85:
        w.para(_pick(r, opts))


def _achievements(c: _Ctx) -> None:
    """Narrative of the year's work: numbers that are not facts (distractors for extractors)."""
    r, w = c.rng, c.w
    specs = list(c.kind.indicators)
    r.shuffle(specs)
    lead = ("一是", "二是", "三是", "四是", "五是")
    parts = []
    for i, sp in enumerate(specs[: r.randint(2, 5)]):
        x = _indicator_row(r, c, sp, None)
        verb = r.choice(("全年完成", "累计完成", "共计", "实现"))
        tail = r.choice(("，同比增长" + fmt_pct(r.uniform(0.01, 0.4), 1) + "%", "，超额完成年度目标",
                         "，完成目标任务的" + fmt_pct(r.uniform(0.9, 1.3), 0) + "%", ""))
        parts.append(f"{lead[i]}{x['level3']}，{verb}{x['actual_text']}{tail}")
    w.para("；".join(parts) + "。")
    if r.random() < 0.6:
        w.para(f"{c.short()}积极争取上级资金{r.randint(50, 5000)}万元，组织开展专题培训{r.randint(2, 40)}期、"
               f"培训{r.randint(100, 5000)}人次，发放宣传资料{r.randint(500, 20000)}余份。")


# ---- revenue / expenditure sentences ------------------------------------------------------

def _rev_total_sentence(c: _Ctx, planned: bool = False) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    rt = v["revenue_total"]
    if planned:
        opts = [lambda: f"{c.y()}收入预算总计{w.money('revenue_total', rt)}，支出预算总计{w.money(None, rt)}，收支平衡。",
                lambda: f"按照综合预算的原则，{c.short()}{c.y()}所有收入和支出均纳入部门预算管理，收支总预算"
                        f"{w.money('revenue_total', rt)}。",
                lambda: f"{c.dept}{c.y()}部门收入预算总计{w.money('revenue_total', rt)}，与上年相比"
                        f"{_chg(r, w, rt, c.fig.prev['revenue_total'])}。"]
        return _pick(r, opts)
    prev = c.fig.prev["revenue_total"]
    opts = [
        lambda: f"{c.y()}度收、支总计均为{w.money('revenue_total', rt)}。与{c.y(-1)}度相比，收、支总计各"
                f"{_chg(r, w, rt, prev)}。主要变动原因是{r.choice(_REASONS)}。",
        lambda: f"{c.y()}度收入总计{w.money('revenue_total', rt)}，支出总计{w.money(None, rt)}，"
                f"比上年{_chg(r, w, rt, prev)}。",
        lambda: f"{c.dept}{c.year}年度财政资金收入{w.money('revenue_total', rt)}。",
        lambda: f"本年度收支总计{w.money('revenue_total', rt)}（上年为{w.money(None, prev)}）。",
        lambda: f"{c.y()}度收入、支出总计{w.money('revenue_total', rt)}，较上年{_chg(r, w, rt, prev)}，"
                f"主要原因是{r.choice(_REASONS)}。",
    ]
    return _pick(r, opts)


def _yi_restatement(c: _Ctx) -> None:
    """A coarse 亿元 restatement of a large total: same value, other precision (not a conflict)."""
    rt = c.fig.v["revenue_total"]
    if rt >= 10_000_000_000 and c.rng.random() < 0.6:
        c.w.para(c.rng.choice(("全年部门收入总计达{x}。", "部门资金总规模约{x}。", "本年度收入总计{x}，资金规模较大。"))
                 .format(x=c.w.money("revenue_total", rt, "亿元")))


def _rev_parts(c: _Ctx, planned: bool = False) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    cur = v["revenue_current_year"]
    parts = []
    labels = [("revenue_general_budget", "一般公共预算财政拨款收入"), ("revenue_government_fund", "政府性基金预算财政拨款收入"),
              ("revenue_state_capital", "国有资本经营预算财政拨款收入"), ("revenue_other", "其他收入")]
    show_zero = r.random() < 0.5
    for fld, lab in labels:
        x = v[fld]
        if x == 0 and not show_zero:
            continue
        share = f"，占{w.pct(None, x / cur)}" if cur and r.random() < 0.7 else ""
        parts.append(f"{lab}{w.money(fld, x)}{share}")
    if c.fig.extra["revenue_business"]:
        x = c.fig.extra["revenue_business"]
        parts.insert(-1 if parts else 0, f"事业收入{w.money(None, x)}")
    carry = v["carryover_opening"]
    head = r.choice(("本年收入合计", "本年资金收入", "本年收入")) if not planned else r.choice(("本年收入预算", "当年收入预算"))
    s = f"{c.y()}{'度' if not planned else ''}{head}{w.money('revenue_current_year', cur)}，其中：" + "；".join(parts) + "。"
    if carry or r.random() < 0.5:
        lab = r.choice(("年初结转和结余", "上年结转", "上年结转结余"))
        s += f"{lab}{w.money('carryover_opening', carry)}。"
    return s


def _exp_split(c: _Ctx, planned: bool = False) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    t, b, p = v["expenditure_total"], v["expenditure_basic"], v["expenditure_project"]
    head = "支出预算" if planned else r.choice(("本年支出合计", "支出合计", "本年支出"))
    opts = [
        lambda: f"{c.y()}度{head}{w.money('expenditure_total', t)}，其中：基本支出{w.money('expenditure_basic', b)}，"
                f"占{w.pct(None, b / t)}；项目支出{w.money('expenditure_project', p)}，占{w.pct(None, p / t)}。",
        lambda: f"{head}{w.money('expenditure_total', t)}，按支出性质分：基本支出{w.money('expenditure_basic', b)}，"
                f"项目支出{w.money('expenditure_project', p)}。",
        lambda: f"{c.dept}{c.y()}{head}{w.money('expenditure_total', t)}。其中基本支出{w.money('expenditure_basic', b)}"
                f"（占{w.pct(None, b / t)}），主要用于保障机构正常运转；项目支出{w.money('expenditure_project', p)}"
                f"（占{w.pct(None, p / t)}），主要用于完成特定工作任务。",
        lambda: f"全年总支出{w.money('expenditure_total', t)}，基本支出和项目支出分别为{w.money('expenditure_basic', b)}"
                f"和{w.money('expenditure_project', p)}。",
    ]
    return _pick(r, opts)


def _pers_public(c: _Ctx, gb_label: bool = True) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    b, pe, po = v["general_budget_basic_expenditure"], v["expenditure_personnel"], v["expenditure_public_operating"]
    pub = r.choice(("公用经费", "日常公用经费"))
    opts = [
        lambda: f"{c.y()}度一般公共预算财政拨款基本支出{w.money('general_budget_basic_expenditure', b)}，其中：人员经费"
                f"{w.money('expenditure_personnel', pe)}，主要包括基本工资、津贴补贴、奖金、社会保障缴费、住房公积金等；"
                f"{pub}{w.money('expenditure_public_operating', po)}，主要包括办公费、水电费、差旅费、维修（护）费等。",
        lambda: f"一般公共预算财政拨款基本支出{w.money('general_budget_basic_expenditure', b)}。人员经费"
                f"{w.money('expenditure_personnel', pe)}，{pub}{w.money('expenditure_public_operating', po)}。",
        lambda: f"基本支出中，人员经费{w.money('expenditure_personnel', pe)}，占{w.pct(None, pe / b)}；"
                f"{pub}{w.money('expenditure_public_operating', po)}，占{w.pct(None, po / b)}。",
        lambda: f"{c.y()}人员类支出{w.money('expenditure_personnel', pe)}，用于职工工资福利、社会保险缴费等，按月足额拨付；"
                f"运转类支出（公用经费）{w.money('expenditure_public_operating', po)}，用于保障机关日常运转。",
    ]
    return _pick(r, opts)


def _econ(c: _Ctx) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    t = v["expenditure_total"]
    labels = [("econ_wages_benefits", "工资福利支出"), ("econ_goods_services", "商品和服务支出"),
              ("econ_household_subsidies", "对个人和家庭的补助"),
              ("econ_enterprise_subsidies", r.choice(("对企业补助", "对企事业单位的补贴"))),
              ("econ_capital", "资本性支出")]
    parts = []
    for fld, lab in labels:
        x = v[fld]
        if x == 0 and r.random() < 0.5:
            continue
        parts.append(f"{lab}{w.money(fld, x)}，占{w.pct(None, x / t)}")
    return "按支出经济分类：" + "；".join(parts) + "。"


def _gb_total(c: _Ctx) -> str:
    r, w, v = c.rng, c.w, c.fig.v
    g, t = v["general_budget_expenditure"], v["expenditure_total"]
    prev = c.fig.prev["general_budget_expenditure"]
    opts = [
        lambda: f"{c.y()}度一般公共预算财政拨款支出{w.money('general_budget_expenditure', g)}，占本年支出合计的"
                f"{w.pct(None, g / t)}。与{c.y(-1)}度相比，{_chg(r, w, g, prev)}。主要原因是{r.choice(_REASONS)}。",
        lambda: f"一般公共预算财政拨款支出决算数为{w.money('general_budget_expenditure', g)}，比上年{_chg(r, w, g, prev)}。",
        lambda: f"{c.short()}{c.y()}一般公共预算财政拨款支出共计{w.money('general_budget_expenditure', g)}。",
    ]
    return _pick(r, opts)


def _gb_structure(c: _Ctx) -> str:
    w = c.w
    g = c.fig.v["general_budget_expenditure"]
    by_cls: dict[str, int] = {}
    for li in c.fig.line_items:
        by_cls[li.cls.name] = by_cls.get(li.cls.name, 0) + li.amount
    parts = [f"{name}（类）{w.money(None, a)}，占{w.pct(None, a / g)}" for name, a in by_cls.items()]
    return f"{c.y()}度一般公共预算财政拨款支出{w.money(None, g)}，主要用于以下方面：" + "；".join(parts) + "。"


def _line_item_paras(c: _Ctx, planned: bool = False) -> None:
    """Line items as prose, one paragraph per class, 类/款 printed only when they change."""
    r, w = c.rng, c.w
    c.listing += 1
    prev_cls = prev_sec = None
    n = 0
    buf: list[str] = []
    verb = r.choice(("支出决算为", "支出决算", "决算数为")) if not planned else r.choice(("预算数为", "安排", "预算"))
    for li in c.fig.line_items:
        if li.cls.name != prev_cls and buf:
            w.para("".join(buf))
            buf = []
        name = ""
        if li.cls.name != prev_cls:
            n += 1
            name += f"{n}.{li.cls.name.removesuffix('支出') if r.random() < 0.3 else li.cls.name}（类）"
        if li.sec.name != prev_sec or li.cls.name != prev_cls:
            name += f"{li.sec.name}（款）"
        code_first = r.random() < 0.15
        name_printed = (f"{li.item.code}" if code_first else "") + f"{li.item.name}（项）"
        name += name_printed
        prev_cls, prev_sec = li.cls.name, li.sec.name
        amt = w.money(None, li.amount)
        item: dict[str, Any] = {"class": li.cls.name, "section": li.sec.name, "item": li.item.name,
                                "code": li.item.code, "amount": yuan(li.amount), "budget_amount": None,
                                "completion_rate": None, "name_as_printed": name_printed, "listing": c.listing}
        s = f"{name}：{verb}{amt}"
        if not planned:
            rate_t = fmt_pct(li.rate, c.style["pct_decimals"])
            if r.random() < 0.3 and li.budget != li.amount:
                s = f"{name}：年初预算为{w.money(None, li.budget)}，{verb}{amt}，完成年初预算的{rate_t}%"
                item["budget_amount"] = yuan(li.budget)
            else:
                s += f"，完成预算{rate_t}%"
                if li.budget == li.amount:
                    s += r.choice(("，决算数与预算数持平", "，决算数等于预算数", ""))
            item["completion_rate"] = round(float(rate_t) / 100, 6)
        w.add("line_items", item)
        buf.append(s + "；")
    if buf:
        w.para("".join(buf))


def _line_item_table(c: _Ctx, planned: bool = False) -> None:
    r, w = c.rng, c.w
    c.listing += 1
    unit = c.style["table_unit"]
    title = ("一般公共预算财政拨款支出预算表" if planned else "一般公共预算财政拨款支出决算表")
    w.para(f"{title}（单位：{unit}）")
    cols = ["科目编码", "科目名称", "预算数" if planned else "决算数"]
    rows = [cols]
    for li in c.fig.line_items:
        item = {"class": li.cls.name, "section": li.sec.name, "item": li.item.name, "code": li.item.code,
                "amount": yuan(li.amount), "budget_amount": None, "completion_rate": None,
                "name_as_printed": li.item.name, "listing": c.listing}
        rows.append([li.item.code, li.item.name, w.cell(None, li.amount, unit)])
        w.add("line_items", item)
    rows.append(["", "合计", w.cell("general_budget_expenditure", c.fig.v["general_budget_expenditure"], unit)])
    w.table(rows, title=title)
    _ = r


def _three_public(c: _Ctx, planned: bool = False) -> None:
    r, w, v, n = c.rng, c.w, c.fig.v, c.fig.counts
    t = v["three_public_total"]
    bud = v["three_public_budget"]
    label = r.choice(("“三公”经费财政拨款支出决算", "“三公”经费支出", "“三公”经费财政拨款支出")) if not planned else \
        r.choice(("“三公”经费预算", "“三公”经费财政拨款预算"))
    if planned:
        s = f"{c.y()}{label}数为{w.money('three_public_total', t)}，比上年{_chg(r, w, t, c.fig.prev['three_public_total'])}。"
        w.para(s)
    else:
        opts = [
            lambda: f"{c.y()}度{label}为{w.money('three_public_total', t)}，完成预算{w.pct(None, t / bud if bud else 1)}，"
                    f"较上年{_chg(r, w, t, c.fig.prev['three_public_total'])}。",
            lambda: f"{c.y()}度{label}预算为{w.money('three_public_budget', bud)}，支出决算为"
                    f"{w.money('three_public_total', t)}，完成预算的{w.pct(None, t / bud if bud else 1)}。",
            lambda: f"{c.y()}“三公”经费支出{w.money('three_public_total', t)}，比{c.y(-1)}"
                    f"{_chg(r, w, t, c.fig.prev['three_public_total'])}。",
        ]
        w.para(_pick(r, opts))
    # the parts
    ov, vp, vo, rc = (v["three_public_overseas"], v["three_public_vehicle_purchase"],
                      v["three_public_vehicle_operation"], v["three_public_reception"])
    veh = vp + vo
    words_zero = r.random() < 0.4
    segs = []
    if ov == 0 and words_zero:
        segs.append(w.zero_words("three_public_overseas",
                                 r.choice(("无因公出国（境）费支出", "未发生因公出国（境）费用", "因公出国（境）费为零"))))
    else:
        segs.append(f"因公出国（境）费{w.money('three_public_overseas', ov)}" +
                    (f"，占{w.pct(None, ov / t)}" if t else ""))
    segs.append(f"公务用车购置及运行维护费{w.money('three_public_vehicles', veh)}" + (f"，占{w.pct(None, veh / t)}" if t else ""))
    segs.append(f"公务接待费{w.money('three_public_reception', rc)}" + (f"，占{w.pct(None, rc / t)}" if t else ""))
    w.para(f"其中：{'；'.join(segs)}。")
    # vehicles detail
    if r.random() < 0.8:
        s = f"公务用车购置费{w.money('three_public_vehicle_purchase', vp)}，公务用车运行维护费" \
            f"{w.money('three_public_vehicle_operation', vo)}。"
        if r.random() < 0.7:
            s += r.choice((f"截至{c.y()}12月底，单位共有公务用车{w.count('vehicles_owned', n['vehicles_owned'], '辆')}。",
                           f"年末公务用车保有量{w.count('vehicles_owned', n['vehicles_owned'], '辆')}。"))
        w.para(s)
    if rc and r.random() < 0.85 and not planned:
        b, p = n["reception_batches"], n["reception_visitors"]
        opts = [lambda: f"国内公务接待{w.count('reception_batches', b, '批次')}，"
                        f"{w.count('reception_visitors', p, '人次')}（不包括陪同人员），共计支出{w.money(None, rc)}。",
                lambda: f"全年共接待{w.count('reception_batches', b, '批')}{w.count('reception_visitors', p, '人次')}，"
                        f"公务接待费{w.money(None, rc)}，主要用于上级部门调研检查和业务交流。",
                lambda: f"公务接待{w.count('reception_batches', b, '批次')}、{w.count('reception_visitors', p, '人次')}。"]
        w.para(_pick(r, opts))


def _perf_conclusion(c: _Ctx) -> None:
    r, w = c.rng, c.w
    sc, g = c.fig.extra["score"], c.fig.extra["grade"]
    gtxt = {"优": ("优", "优秀", "优"), "良": ("良", "良好", "良好"), "中": ("中", "中", "合格"), "差": ("差", "差", "差")}[g]
    printed = r.choice(gtxt[:2])
    opts = [
        lambda: f"经综合评价，{c.short()}{c.y()}度部门整体支出绩效自评得分{w.score(sc)}，评价等级为“{w.grade(g, printed)}”。",
        lambda: f"对照评价指标体系逐项打分，部门整体支出绩效自评得分为{w.score(sc)}，自评等级“{w.grade(g, printed)}”。",
        lambda: f"综上，{c.short()}整体支出绩效评价得分{w.score(sc)}，绩效评价结果为{w.grade(g, printed)}。",
        lambda: f"本次自评综合得分{w.score(sc)}，等级为{w.grade(g, printed)}。",
        lambda: f"部门整体支出绩效{w.grade(g, {'优': '优秀', '良': '良好', '中': '中等', '差': '较差'}[g])}，"
                f"自评得分{w.score(sc)}。",
    ]
    w.para(_pick(r, opts))


def _numbered(c: _Ctx, items: list[str], key: str) -> None:
    r, w = c.rng, c.w
    style = c.style["prob_style"]
    if not items:
        w.para(r.choice(("无。", "暂无。", "本年度无。")))
        return
    if style == "inline":
        marks = [f"{cn_number(i)}是" for i in range(1, len(items) + 1)]
        for t in items:
            w.add(key, t)
        w.para("；".join(f"{m}{t}" for m, t in zip(marks, items, strict=True)) + "。")
        return
    for i, t in enumerate(items, 1):
        mark = {"num": f"{i}.", "cn": f"（{cn_number(i)}）", "paren": f"{i}、"}[style]
        w.add(key, t)
        w.para(f"{mark}{t}。")


def _problems_remedies(c: _Ctx, p_head: str, r_head: str) -> None:
    r = c.rng
    n = r.choice((0, 2, 2, 3, 3, 4)) if c.rtype != "budget" else 0
    idx = r.sample(range(len(PROBLEMS)), n)
    probs = [PROBLEMS[i] for i in idx]
    rems = [REMEDIES[i] for i in idx]
    if n and r.random() < 0.3:
        rems.append(REMEDIES[r.randrange(len(REMEDIES))])
        rems = list(dict.fromkeys(rems))
    c.w.heading(p_head, level=3)
    _numbered(c, probs, "problems")
    c.w.heading(r_head, level=3)
    _numbered(c, rems, "remedies")


# ---- indicators and projects ---------------------------------------------------------------

_PCT_TEXT = re.compile(r"^[≤≥<>]?(\d+(?:\.\d+)?)%$")


def _printed_pct(text: str) -> float | None:
    m = _PCT_TEXT.match(text)
    return round(float(m.group(1)) / 100, 6) if m else None


def _indicator_row(r: random.Random, c: _Ctx, spec: IndicatorSpec, project: str | None) -> dict[str, Any]:
    lvl1 = "满意度指标" if spec.level2.startswith("服务对象") else (
        "效益指标" if spec.level2.endswith(("效益指标", "影响指标")) else "产出指标")
    tv = av = None
    unit: str | None = spec.unit or None
    if spec.kind == "count":
        t = r.randint(int(spec.lo), int(spec.hi))
        a = max(0, int(t * r.uniform(0.85, 1.25)))
        ge = r.random() < 0.4
        tt, at = f"{'≥' if ge else ''}{t}{spec.unit}", f"{a}{spec.unit}"
        tv, av = t, a
    elif spec.kind == "pct":
        t = r.randint(int(spec.lo), int(spec.hi))
        a = round(min(100.0, t + r.uniform(-2, 5)), r.choice((0, 1, 2)))
        tt = r.choice((f"≥{t}%", f"{t}%", f"不低于{t}%"))
        at = f"{a:g}%"
        tv, av = round(t / 100, 6), round(a / 100, 6)
    elif spec.kind in ("money_wan", "money_yi"):
        mult = 10_000 if spec.kind == "money_wan" else 100_000_000
        t = r.randint(int(spec.lo), int(spec.hi))
        a = round(t * r.uniform(0.85, 1.2), 2 if spec.kind == "money_yi" else 0)
        tt, at = f"{t}{spec.unit}", f"{a:g}{spec.unit}"
        tv, av = float(t * mult), round(a * mult, 2)
    elif spec.kind == "time":
        tt = r.choice((f"{c.year}年12月底前", "1-12月", f"{c.year}年内完成"))
        at = r.choice(("按期完成", f"{c.year}年12月完成", "已完成"))
        unit = None
    else:  # fixed wording; a printed percentage (≤1%, 0.3%) still has its value (fields.md §4)
        tt, at, unit = spec.target_text, spec.actual_text, None
        pt, pa = _printed_pct(tt), _printed_pct(at)
        if pt is not None and pa is not None:
            tv, av, unit = pt, pa, "%"
    return {"project_name": project, "level1": lvl1, "level2": spec.level2, "level3": spec.level3,
            "target_text": tt, "actual_text": at, "target_value": tv, "actual_value": av, "unit": unit}


def _indicators(c: _Ctx, project: str | None, count: int) -> list[dict[str, Any]]:
    r = c.rng
    own = list(c.kind.indicators)
    r.shuffle(own)
    common = list(_COMMON)
    r.shuffle(common)
    specs = own[: max(2, count - 3)] + common
    specs = specs[:count]
    order = {"产出指标": 0, "效益指标": 1, "满意度指标": 2}
    rows = [_indicator_row(r, c, s, project) for s in specs]
    rows.sort(key=lambda x: order[x["level1"]])
    return rows


def _indicator_table(c: _Ctx, rows: list[dict[str, Any]], title: str) -> None:
    r, w = c.rng, c.w
    blank_repeats = r.random() < 0.6
    head = ["一级指标", "二级指标", "三级指标", r.choice(("年度指标值", "预期指标值", "目标值")),
            r.choice(("实际完成值", "实际完成指标值", "完成情况"))]
    out = [head]
    p1 = p2 = None
    for x in rows:
        l1 = "" if blank_repeats and x["level1"] == p1 else x["level1"]
        l2 = "" if blank_repeats and x["level2"] == p2 and not l1 else x["level2"]
        p1, p2 = x["level1"], x["level2"]
        out.append([l1, l2, x["level3"], x["target_text"], x["actual_text"]])
        w.add("indicators", x)
    w.para(title)
    w.table(out, title=title)


def _target_count_sentence(c: _Ctx, rows: list[dict[str, Any]]) -> str:
    r, w = c.rng, c.w
    by2: dict[str, int] = {}
    for x in rows:
        by2[x["level2"]] = by2.get(x["level2"], 0) + 1
    detail = "，".join(f"{k}{v}个" for k, v in by2.items())
    n = len(rows)
    opts = [lambda: f"{c.y()}部门整体绩效共设置绩效目标{w.count('performance_target_count', n, '个')}，其中{detail}。",
            lambda: f"{c.short()}共设置绩效指标{w.count('performance_target_count', n, '个')}（{detail}），"
                    f"{r.choice(('全部完成', '绝大部分完成'))}。",
            lambda: f"年初共设定部门整体绩效目标{w.count('performance_target_count', n, '项')}，涵盖产出、效益和满意度三个方面。"]
    return _pick(r, opts)


def _projects(c: _Ctx, k: int) -> None:
    r, w = c.rng, c.w
    names = list(c.kind.projects)
    r.shuffle(names)
    unit = c.style["table_unit"]
    rows = [["项目名称", f"预算数（{unit}）", f"执行数（{unit}）", "执行率", "自评得分", "评价等级"]]
    for name in names[:k]:
        full = f"{c.year}年{name}" if r.random() < 0.5 else name
        budget = max(c.q, int(r.uniform(5, 400) * WAN) // c.q * c.q)
        executed = int(budget * r.uniform(0.55, 1.0)) // c.q * c.q
        rate_t = fmt_pct(executed / budget, 2)
        score = r.randint(55, 100)
        g = grade_for(score)
        rows.append([full, w.cell(None, budget, unit), w.cell(None, executed, unit), f"{rate_t}%", str(score), g])
        w.add("projects", {"project_name": full, "budget_amount": yuan(budget), "executed_amount": yuan(executed),
                           "execution_rate": round(float(rate_t) / 100, 6), "score": score, "grade": g})
    title = r.choice(("项目支出绩效自评情况表", "重点项目绩效自评结果汇总表", "项目绩效目标完成情况表"))
    w.para(title)
    w.table(rows, title=title)


_COMMON: tuple[IndicatorSpec, ...] = ()


def _init_common() -> None:
    global _COMMON
    from synth.departments import _COMMON_IND

    _COMMON = _COMMON_IND


_init_common()


# ---------------------------------------------------------------------------------------
# the three report types
# ---------------------------------------------------------------------------------------

def _final_accounts(c: _Ctx) -> None:
    r, w, v = c.rng, c.w, c.fig.v
    _title(c)
    if r.random() < 0.5:
        _pub_line(c)
    if r.random() < 0.3:
        w.heading("目录", level=1)
        for i, t in enumerate(("部门概况", f"{c.year}年度部门决算情况说明", "名词解释", "附表"), 1):
            w.para(f"第{cn_number(i)}部分 {t}\t{i * 3 + r.randint(0, 4)}")
    _part(c, 1, "部门概况")
    _sec(c, 1, r.choice(("部门职责", "主要职能", "基本职能")))
    _duties(c)
    _sec(c, 2, "机构设置")
    _org(c)
    _staff(c)
    if r.random() < 0.6:
        _sec(c, 3, f"{c.y()}重点工作完成情况")
        _achievements(c)
    _part(c, 2, f"{c.y()}度部门决算情况说明")
    _sec(c, 1, "收入支出决算总体情况说明")
    w.para(_rev_total_sentence(c))
    _yi_restatement(c)
    _sec(c, 2, "收入决算情况说明")
    w.para(_rev_parts(c))
    _sec(c, 3, "支出决算情况说明")
    w.para(_exp_split(c))
    if r.random() < 0.3:
        w.para(_econ(c))
    _sec(c, 4, "财政拨款收入支出决算总体情况说明")
    ft = c.fig.extra["fiscal_total"]
    w.para(f"{c.y()}度财政拨款收、支总计{w.money(None, ft)}。与{c.y(-1)}度相比，"
           f"{_chg(r, w, ft, int(ft * r.uniform(0.7, 1.3)) // c.q * c.q)}。")
    _sec(c, 5, "一般公共预算财政拨款支出决算情况说明")
    w.para(_gb_total(c))
    if r.random() < 0.6:
        w.para(_gb_structure(c))
    w.para(f"{c.y()}一般公共预算支出决算具体情况如下：")
    _line_item_paras(c)
    _sec(c, 6, "一般公共预算财政拨款基本支出决算情况说明")
    w.para(_pers_public(c))
    _sec(c, 7, "财政拨款“三公”经费支出决算情况说明")
    _three_public(c)
    _sec(c, 8, "政府性基金预算支出决算情况说明")
    gf = v["government_fund_expenditure"]
    if gf == 0 and r.random() < 0.5:
        w.para(w.zero_words("government_fund_expenditure", r.choice(("本年度无政府性基金预算财政拨款支出",
                                                                      "本单位无政府性基金预算支出"))) + "。")
    else:
        w.para(f"{c.y()}度政府性基金预算财政拨款支出{w.money('government_fund_expenditure', gf)}。")
    _sec(c, 9, "国有资本经营预算支出决算情况说明")
    w.para(r.choice((f"{c.y()}度国有资本经营预算财政拨款支出{w.money(None, 0)}。", "本单位无国有资本经营预算支出。")))
    _sec(c, 10, "其他重要事项的情况说明")
    ao = v["agency_operating_expense"]
    w.para(r.choice((
        f"{c.y()}度，{c.dept}机关运行经费支出{w.money('agency_operating_expense', ao)}，比上年"
        f"{_chg(r, w, ao, c.fig.prev['agency_operating_expense'])}。",
        f"本年度机关运行经费{w.money('agency_operating_expense', ao)}，主要用于办公、水电、差旅等日常开支。",
        f"{c.short()}{c.y()}机关运行经费支出{w.money('agency_operating_expense', ao)}。")))
    pt = v["procurement_total"]
    if pt == 0 and r.random() < 0.5:
        w.para(f"{c.y()}度，{c.short()}" + w.zero_words("procurement_total", "未发生政府采购支出") + "。")
    else:
        goods = int(pt * r.uniform(0.3, 1.0)) // c.q * c.q
        w.para(f"{c.y()}度政府采购支出总额{w.money('procurement_total', pt)}，其中：政府采购货物支出{w.money(None, goods)}、"
               f"政府采购服务支出{w.money(None, pt - goods)}。")
    if r.random() < 0.7:
        w.para(f"截至{c.y()}12月31日，{c.short()}共有车辆{w.count('vehicles_owned', c.fig.counts['vehicles_owned'], '辆')}，"
               f"单价100万元以上设备（不含车辆）0台（套）。")
    if r.random() < 0.6:
        w.para(f"根据预算绩效管理要求，{c.short()}组织对{c.y()}度部门整体支出和{r.randint(1, 12)}个项目开展了绩效自评。")
        _perf_conclusion(c)
    _part(c, 3, "名词解释")
    for i, t in enumerate(("财政拨款收入：指单位从同级财政部门取得的财政预算资金。",
                           "年初结转和结余：指以前年度尚未完成、结转到本年按有关规定继续使用的资金。",
                           "基本支出：指为保障机构正常运转、完成日常工作任务而发生的人员支出和公用支出。",
                           "项目支出：指在基本支出之外为完成特定行政任务和事业发展目标所发生的支出。",
                           "“三公”经费：指部门用财政拨款安排的因公出国（境）费、公务用车购置及运行费和公务接待费。"), 1):
        w.para(f"{i}.{t}")
    if r.random() < 0.7:
        _part(c, 4, "附表")
        _summary_table(c)
        if r.random() < 0.6:
            _line_item_table(c)
        if r.random() < 0.5:
            _three_public_table(c)
    if r.random() < 0.35:
        _part(c, 5, "附件")
        w.heading(f"{c.dept}{c.year}年度部门整体支出绩效自评报告", level=2)
        rows = _indicators(c, None, r.randint(6, 10))
        w.para(_target_count_sentence(c, rows))
        _indicator_table(c, rows, "部门整体支出绩效指标完成情况表")
        _projects(c, r.randint(1, 3))
        _problems_remedies(c, "（一）存在问题", "（二）改进建议")


def _summary_table(c: _Ctx, planned: bool = False) -> None:
    r, w, v = c.rng, c.w, c.fig.v
    unit = c.style["table_unit"]
    title = "收入支出预算总表" if planned else "收入支出决算总表"
    w.para(f"{title}    单位：{unit}")
    rows = [["收入项目", "金额", "支出项目", "金额"]]
    left = [("一般公共预算财政拨款收入", "revenue_general_budget"), ("政府性基金预算财政拨款收入", "revenue_government_fund"),
            ("国有资本经营预算财政拨款收入", "revenue_state_capital"), ("其他收入", "revenue_other"),
            ("本年收入合计", "revenue_current_year"), ("年初结转和结余", "carryover_opening"), ("收入总计", "revenue_total")]
    right = [("基本支出", "expenditure_basic"), ("项目支出", "expenditure_project"), ("", None), ("", None),
             ("本年支出合计", "expenditure_total"), ("年末结转和结余", None), ("支出总计", None)]
    for (ll, lf), (rl, rf) in zip(left, right, strict=True):
        lv = w.cell(lf, v[lf], unit)
        if rl == "年末结转和结余":
            rv = w.cell(None, v["carryover_closing"], unit)
        elif rl == "支出总计":
            rv = w.cell(None, v["revenue_total"], unit)
        elif rf:
            rv = w.cell(rf, v[rf], unit)
        else:
            rv = ""
        rows.append([ll, lv, rl, rv])
    if r.random() < 0.3:
        rows = [[x for x in row] for row in rows]
    w.table(rows, title=title)


def _three_public_table(c: _Ctx) -> None:
    w, v = c.w, c.fig.v
    unit = c.style["table_unit"]
    title = "财政拨款“三公”经费支出决算表"
    w.para(f"{title}（单位：{unit}）")
    rows = [["项目", "合计", "因公出国（境）费", "公务用车购置费", "公务用车运行维护费", "公务接待费"],
            ["决算数", w.cell("three_public_total", v["three_public_total"], unit),
             w.cell("three_public_overseas", v["three_public_overseas"], unit),
             w.cell("three_public_vehicle_purchase", v["three_public_vehicle_purchase"], unit),
             w.cell("three_public_vehicle_operation", v["three_public_vehicle_operation"], unit),
             w.cell("three_public_reception", v["three_public_reception"], unit)]]
    w.table(rows, title=title)


def _budget(c: _Ctx) -> None:
    r, w, v = c.rng, c.w, c.fig.v
    # a budget balances: plans spend everything available
    v["expenditure_total"] = v["revenue_total"]
    v["carryover_closing"] = 0
    v["expenditure_project"] = v["expenditure_total"] - v["expenditure_basic"]
    _title(c)
    if r.random() < 0.5:
        _pub_line(c)
    _part(c, 1, "部门概况")
    _sec(c, 1, r.choice(("主要职能", "部门职责")))
    _duties(c)
    _sec(c, 2, "机构设置及人员情况")
    _org(c)
    _staff(c)
    _part(c, 2, f"{c.y()}部门预算情况说明")
    _sec(c, 1, "收支预算总体情况")
    w.para(_rev_total_sentence(c, planned=True))
    _sec(c, 2, "收入预算情况")
    w.para(_rev_parts(c, planned=True))
    _sec(c, 3, "支出预算情况")
    w.para(_exp_split(c, planned=True))
    _sec(c, 4, "一般公共预算当年拨款情况")
    g = v["general_budget_expenditure"]
    w.para(r.choice((
        f"{c.y()}一般公共预算当年拨款{w.money('general_budget_expenditure', g)}，比上年"
        f"{_chg(r, w, g, c.fig.prev['general_budget_expenditure'])}。",
        f"一般公共预算财政拨款支出预算{w.money('general_budget_expenditure', g)}，具体安排如下：",
        f"{c.short()}{c.y()}一般公共预算拨款支出安排{w.money('general_budget_expenditure', g)}。")))
    _line_item_paras(c, planned=True)
    _sec(c, 5, "一般公共预算基本支出情况")
    w.para(_pers_public(c))
    _sec(c, 6, "“三公”经费预算情况")
    _three_public(c, planned=True)
    _sec(c, 7, "政府性基金预算支出情况")
    gf = v["government_fund_expenditure"]
    if gf == 0 and r.random() < 0.5:
        w.para(w.zero_words("government_fund_expenditure", "本部门无政府性基金预算拨款安排的支出") + "。")
    else:
        w.para(f"{c.y()}政府性基金预算拨款支出预算{w.money('government_fund_expenditure', gf)}。")
    _sec(c, 8, "其他重要事项的情况说明")
    w.para(f"{c.y()}{c.short()}机关运行经费预算{w.money('agency_operating_expense', v['agency_operating_expense'])}。")
    pt = v["procurement_total"]
    w.para(f"{c.y()}政府采购预算总额{w.money('procurement_total', pt)}。" if pt else
           w.zero_words("procurement_total", f"{c.y()}{c.short()}未安排政府采购预算") + "。")
    if r.random() < 0.7:
        w.para(f"截至上年末，{c.short()}共有车辆{w.count('vehicles_owned', c.fig.counts['vehicles_owned'], '辆')}。")
    if r.random() < 0.5:
        rows = _indicators(c, None, r.randint(5, 9))
        w.para(_target_count_sentence(c, rows))
        _indicator_table(c, rows, "部门整体支出绩效目标表")
    if r.random() < 0.6:
        _part(c, 3, "附表")
        _summary_table(c, planned=True)
        if r.random() < 0.5:
            _line_item_table(c, planned=True)


def _performance(c: _Ctx) -> None:
    r, w = c.rng, c.w
    _title(c)
    if r.random() < 0.3:
        w.para(f"根据{c.county.name}财政局关于开展{c.y()}度财政支出绩效自评工作的通知要求，{c.short()}对"
               f"{c.y()}度部门整体支出绩效开展了自评，自评得分{w.score(c.fig.extra['score'])}，现将有关情况报告如下：")
    _part(c, 1, "部门基本情况")
    _sec(c, 1, "主要职能")
    _duties(c)
    _sec(c, 2, "机构及人员情况")
    _org(c)
    _staff(c)
    _part(c, 2, "部门财政资金收支情况")
    _sec(c, 1, "收入情况")
    w.para(_rev_total_sentence(c))
    _yi_restatement(c)
    w.para(_rev_parts(c))
    _sec(c, 2, "支出情况")
    w.para(_exp_split(c))
    w.para(_pers_public(c))
    if r.random() < 0.7:
        w.para(_econ(c))
    _sec(c, 3, "“三公”经费情况")
    _three_public(c)
    _part(c, 3, "绩效目标设置及完成情况")
    if r.random() < 0.7:
        _achievements(c)
    rows = _indicators(c, None, r.randint(6, 12))
    w.para(_target_count_sentence(c, rows))
    _indicator_table(c, rows, r.choice(("部门整体支出绩效指标完成情况表", "绩效指标完成情况")))
    er = c.fig.extra["execution_rate"]
    w.para(r.choice((f"全年部门预算执行率{w.pct('budget_execution_rate', er)}。",
                     f"{c.y()}预算执行率为{w.pct('budget_execution_rate', er)}，资金拨付及时。",
                     f"全年预算资金执行进度良好，预算执行率达到{w.pct('budget_execution_rate', er)}。")))
    if r.random() < 0.8:
        _part(c, 4, "项目支出绩效情况")
        _projects(c, r.randint(2, 5))
    _part(c, 5, "评价结论")
    _perf_conclusion(c)
    _part(c, 6, r.choice(("存在的问题及改进建议", "存在的主要问题及下一步改进措施")))
    _problems_remedies(c, "（一）存在问题", r.choice(("（二）改进建议", "（二）整改措施", "（二）下一步改进措施")))
    _signature(c) if r.random() < 0.7 else None


_BUILDERS = {"final_accounts": _final_accounts, "budget": _budget, "performance_evaluation": _performance}


def generate_report(seed: int | str, report_type: str | None = None, *, kind: str | None = None,
                    county_code: str | None = None, fiscal_year: int | None = None) -> Report:
    """Build one report deterministically from seed (same seed → same report)."""
    rng = random.Random(f"synth:{seed}")
    rtype = report_type or rng.choice(REPORT_TYPES)
    if rtype not in REPORT_TYPES:
        raise ValueError(f"unknown report_type {rtype!r}; expected one of {REPORT_TYPES}")
    k = kind_by_key(kind) if kind else rng.choice(KINDS)
    cs = counties()
    county = next(x for x in cs if x.code == county_code) if county_code else cs[rng.randrange(len(cs))]
    year = fiscal_year or rng.randint(2019, 2024)
    c = _Ctx(rng, rtype, k, county, year)
    c.document = {"department_name": c.dept, "province": county.province, "city": county.prefecture,
                  "county": county.name, "division_code": county.code, "fiscal_year": year,
                  "report_type": rtype, "published_on": None, "title": None}
    _BUILDERS[rtype](c)
    rep = Report(seed=seed, report_type=rtype, document=c.document, blocks=c.w.blocks, style=dict(c.style))
    rep.style["kind"] = k.key
    return rep
