"""Internally consistent figures for one department-year, in integer cents.

All identities the quality gate checks hold exactly here: basic + project = total,
三公 parts = 三公 total, line items = general-budget expenditure, revenue_total =
revenue_current_year + carryover_opening, economic parts = total.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from synth.departments import DeptKind
from synth.places import FuncCode, func_codes, items_under

WAN = 1_000_000  # cents per 万元


def grade_for(score: float) -> str:
    """Grade band of a score (优 ≥90, 良 80–<90, 中 60–<80, 差 <60)."""
    if score >= 90:
        return "优"
    if score >= 80:
        return "良"
    if score >= 60:
        return "中"
    return "差"


def split(total: int, weights: list[float], q: int) -> list[int]:
    """Split total (a multiple of q) into parts that are multiples of q and sum exactly."""
    units = total // q
    s = sum(weights) or 1.0
    parts = [int(units * w / s) for w in weights]
    parts[max(range(len(parts)), key=lambda i: weights[i])] += units - sum(parts)
    return [p * q for p in parts]


@dataclass
class LineItem:
    """One 类/款/项 row with its executed and budgeted amounts."""

    cls: FuncCode
    sec: FuncCode
    item: FuncCode
    amount: int
    budget: int

    @property
    def rate(self) -> float:
        return self.amount / self.budget if self.budget else 1.0


@dataclass
class Figures:
    """Everything a report about one department-year can state."""

    q: int
    v: dict[str, int] = field(default_factory=dict)  # money fields in cents
    counts: dict[str, int] = field(default_factory=dict)
    prev: dict[str, int] = field(default_factory=dict)  # prior-year money, for 增减 prose
    line_items: list[LineItem] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _amt(rng: random.Random, lo_wan: float, hi_wan: float, q: int) -> int:
    c = int(rng.uniform(lo_wan, hi_wan) * WAN)
    return max(q, c // q * q)


def make_figures(rng: random.Random, kind: DeptKind, q: int) -> Figures:
    """Draw one department-year's figures at granularity q cents."""
    f = Figures(q=q)
    v = f.v
    scale = kind.scale * rng.choice((0.5, 1, 1, 1.5, 2, 3))
    gb = _amt(rng, 250 * scale, 2500 * scale, q)
    gf = _amt(rng, 50, 3000 * scale, q) if rng.random() < 0.35 else 0
    other = _amt(rng, 5, 300 * scale, q) if rng.random() < 0.45 else 0
    business = _amt(rng, 10, 200 * scale, q) if rng.random() < 0.15 else 0  # 事业收入, no field
    carry = _amt(rng, 10, 400 * scale, q) if rng.random() < 0.55 else 0
    carry_gb = split(carry, [rng.uniform(0.3, 1.0), rng.uniform(0, 0.5)], q)[0] if carry else 0
    v.update(revenue_general_budget=gb, revenue_government_fund=gf, revenue_state_capital=0,
             revenue_other=other, carryover_opening=carry)
    f.extra["revenue_business"] = business
    v["revenue_current_year"] = gb + gf + other + business
    v["revenue_total"] = v["revenue_current_year"] + carry
    gb_exp = gb + carry_gb
    non_gb_avail = other + business + (carry - carry_gb)
    close = (int(non_gb_avail * rng.uniform(0, 0.6)) // q * q) if rng.random() < 0.5 else 0
    v["carryover_closing"] = close
    v["general_budget_expenditure"] = gb_exp
    v["government_fund_expenditure"] = gf
    v["expenditure_total"] = v["revenue_total"] - close
    f.extra["fiscal_total"] = gb + gf + carry_gb  # 财政拨款收支总计 (no field)
    # basic vs project, financed by the general budget
    basic = int(gb_exp * rng.uniform(0.25, 0.75)) // q * q
    v["expenditure_basic"] = basic
    v["expenditure_project"] = v["expenditure_total"] - basic
    v["general_budget_basic_expenditure"] = basic
    pers = int(basic * rng.uniform(0.78, 0.93)) // q * q
    v["expenditure_personnel"] = pers
    v["expenditure_public_operating"] = basic - pers
    # economic classification of the total
    ent_w = rng.uniform(0.0, 0.6) if rng.random() < 0.5 else 0.0
    econ = split(v["expenditure_total"],
                 [pers / max(v["expenditure_total"], 1) * 0.85 + 0.01, rng.uniform(0.05, 0.3),
                  rng.uniform(0.01, 0.08), ent_w, rng.uniform(0.0, 0.12)], q)
    for k, x in zip(("econ_wages_benefits", "econ_goods_services", "econ_household_subsidies",
                     "econ_enterprise_subsidies", "econ_capital"), econ, strict=True):
        v[k] = x
    # 三公
    tq = max(q, 10_000)  # 三公 figures are at least 100-yuan granular
    overseas = _amt(rng, 0.5, 6, tq) if rng.random() < 0.12 else 0
    purchase = _amt(rng, 10, 30, tq) if rng.random() < 0.12 else 0
    operation = _amt(rng, 0.5, 12, tq) if rng.random() < 0.7 else 0
    reception = _amt(rng, 0.3, 8, tq) if rng.random() < 0.9 else 0
    v.update(three_public_overseas=overseas, three_public_vehicle_purchase=purchase,
             three_public_vehicle_operation=operation, three_public_vehicles=purchase + operation,
             three_public_reception=reception)
    v["three_public_total"] = overseas + purchase + operation + reception
    v["three_public_budget"] = (v["three_public_total"] + _amt(rng, 0.1, 5, tq)) if rng.random() < 0.7 \
        else v["three_public_total"]
    v["agency_operating_expense"] = (v["expenditure_public_operating"]
                                     - (int(v["expenditure_public_operating"] * rng.uniform(0, 0.1)) // q * q))
    v["procurement_total"] = _amt(rng, 2, 150 * scale, q) if rng.random() < 0.65 else 0
    batches = rng.randint(3, 60) if reception else 0
    f.counts.update(
        reception_batches=batches,
        reception_visitors=batches * rng.randint(3, 12),
        vehicles_owned=(rng.randint(1, 6) if operation or purchase else rng.choice((0, 0, 1))),
        staff_authorized=rng.randint(8, 70),
    )
    f.counts["staff_actual"] = max(3, f.counts["staff_authorized"] + rng.randint(-6, 3))
    # prior year (for 上年/增减 prose only; never a fact of this report)
    for k in ("revenue_total", "expenditure_total", "general_budget_expenditure", "three_public_total",
              "agency_operating_expense", "three_public_reception", "revenue_current_year"):
        base = v[k]
        p = int(base * rng.uniform(0.6, 1.4)) // q * q if base else (_amt(rng, 0.5, 3, q) if rng.random() < .3 else 0)
        f.prev[k] = p
    f.line_items = _line_items(rng, kind, gb_exp, basic, pers, q)
    # performance
    f.extra["execution_rate"] = round(rng.uniform(0.82, 1.0), 4) if rng.random() < 0.6 else 1.0
    score = rng.choice((rng.randint(60, 100), rng.randint(80, 99), rng.randint(88, 99), rng.randint(40, 100)))
    if rng.random() < 0.15:
        score = min(100.0, score + 0.5)
    f.extra["score"] = score
    f.extra["grade"] = grade_for(score)
    return f


def _line_items(rng: random.Random, kind: DeptKind, gb_exp: int, basic: int, pers: int, q: int) -> list[LineItem]:
    codes = func_codes()
    admin = items_under(kind.admin_section)
    chosen: list[str] = [admin[0].code]  # 行政运行
    chosen += [c.code for c in admin[1:] if rng.random() < 0.35]
    specific = [c for c in kind.item_codes if c in codes]
    rng.shuffle(specific)
    chosen += specific[: rng.randint(1, min(4, len(specific)))]
    chosen += ["2080505"] + (["2080501"] if rng.random() < 0.6 else []) + (["2080506"] if rng.random() < 0.6 else [])
    chosen += ["2101101"] + (["2101103"] if rng.random() < 0.5 else [])
    chosen += ["2210201"]
    if rng.random() < 0.2:
        chosen.append("2080801")
    seen: list[str] = []
    for c in chosen:
        if c not in seen:
            seen.append(c)
    seen.sort()
    weights = []
    for c in seen:
        it = codes[c]
        if it.name in ("行政运行", "事业运行"):
            weights.append(rng.uniform(3, 8))
        elif c.startswith(("20805", "21011", "22102", "20808")):
            weights.append(rng.uniform(0.3, 1.2))
        else:
            weights.append(rng.uniform(0.5, 4))
    amounts = split(gb_exp, weights, q)
    out = []
    for c, a in zip(seen, amounts, strict=True):
        it = codes[c]
        sec = codes[it.parent]
        cls = codes[sec.parent]
        budget = a if rng.random() < 0.75 else (int(a / rng.uniform(0.7, 0.99)) // q * q or a)
        out.append(LineItem(cls, sec, it, a, max(budget, a if budget == 0 else budget)))
    return out
