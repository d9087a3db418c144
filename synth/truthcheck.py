"""Checks of a truth JSON's internal arithmetic — the same identities the quality gate checks.

Used by the synth tests to prove the generator's answers are consistent, and handy for gate
tests that need to know which identities a clean synthetic report satisfies.
"""

from __future__ import annotations

from typing import Any

MONEY_FIELDS = frozenset({
    "revenue_total", "revenue_current_year", "revenue_general_budget", "revenue_government_fund",
    "revenue_state_capital", "revenue_other", "carryover_opening", "expenditure_total", "expenditure_basic",
    "expenditure_project", "expenditure_personnel", "expenditure_public_operating",
    "general_budget_basic_expenditure", "econ_wages_benefits", "econ_goods_services", "econ_household_subsidies",
    "econ_enterprise_subsidies", "econ_capital", "general_budget_expenditure", "government_fund_expenditure",
    "three_public_total", "three_public_budget", "three_public_overseas", "three_public_vehicles",
    "three_public_vehicle_purchase", "three_public_vehicle_operation", "three_public_reception",
    "agency_operating_expense", "procurement_total",
})
COUNT_FIELDS = frozenset({"reception_batches", "reception_visitors", "vehicles_owned", "staff_authorized",
                          "staff_actual", "performance_target_count"})
RATIO_FIELDS = frozenset({"budget_execution_rate"})


def grade_for(score: float) -> str:
    """优 ≥90, 良 80–<90, 中 60–<80, 差 <60."""
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


def _eq(a: float, b: float, tol: float = 0.005) -> bool:
    return abs(a - b) <= tol


def arithmetic_errors(truth: dict[str, Any]) -> list[str]:
    """Every identity that a truth JSON violates (empty list = consistent)."""
    f = {x["field"]: x for x in truth["facts"]}
    v = {k: x["value"] for k, x in f.items()}
    errs: list[str] = []

    def need(*keys: str) -> bool:
        return all(k in v and v[k] is not None for k in keys)

    if need("expenditure_basic", "expenditure_project", "expenditure_total") and not _eq(
            v["expenditure_basic"] + v["expenditure_project"], v["expenditure_total"]):
        errs.append("basic + project != expenditure_total")
    parts3 = ("three_public_overseas", "three_public_vehicles", "three_public_reception")
    if need(*parts3, "three_public_total") and not _eq(
            v["three_public_overseas"] + v["three_public_vehicles"] + v["three_public_reception"],
            v["three_public_total"]):
        errs.append("三公 parts != three_public_total")
    if need("three_public_vehicle_purchase", "three_public_vehicle_operation", "three_public_vehicles") and not _eq(
            v["three_public_vehicle_purchase"] + v["three_public_vehicle_operation"], v["three_public_vehicles"]):
        errs.append("vehicle purchase + operation != three_public_vehicles")
    if need("revenue_current_year", "carryover_opening", "revenue_total") and not _eq(
            v["revenue_current_year"] + v["carryover_opening"], v["revenue_total"]):
        errs.append("revenue_current_year + carryover_opening != revenue_total")
    if need("expenditure_personnel", "expenditure_public_operating", "general_budget_basic_expenditure") and not _eq(
            v["expenditure_personnel"] + v["expenditure_public_operating"], v["general_budget_basic_expenditure"]):
        errs.append("personnel + public_operating != general_budget_basic_expenditure")
    econ = ("econ_wages_benefits", "econ_goods_services", "econ_household_subsidies", "econ_enterprise_subsidies",
            "econ_capital")
    if need(*econ, "expenditure_total") and not _eq(sum(v[k] for k in econ), v["expenditure_total"]):
        errs.append("economic parts != expenditure_total")
    if "general_budget_expenditure" in v and truth.get("line_items"):
        groups: dict[int, float] = {}
        for li in truth["line_items"]:
            groups[li.get("listing", 0)] = groups.get(li.get("listing", 0), 0.0) + li["amount"]
        complete = "mid_page" not in truth.get("damage", [])
        for g, total in groups.items():
            if complete and not _eq(total, v["general_budget_expenditure"]):
                errs.append(f"line items listing {g} sum {total:.2f} != general_budget_expenditure")
    if "performance_score" in v and "performance_grade" in f and \
            grade_for(v["performance_score"]) != f["performance_grade"]["value_text"]:
        errs.append("performance_grade does not match the score band")
    for p in truth.get("projects", []):
        if p["budget_amount"] and abs(p["executed_amount"] / p["budget_amount"] - p["execution_rate"]) > 0.0001:
            errs.append(f"project {p['project_name']} rate mismatch")
        if grade_for(p["score"]) != p["grade"]:
            errs.append(f"project {p['project_name']} grade mismatch")
    return errs


def unit_errors(truth: dict[str, Any]) -> list[str]:
    """Money must be yuan with at most two decimals; counts integers; ratios in [0, 1.5]."""
    errs: list[str] = []

    def money_ok(x: Any) -> bool:
        return isinstance(x, (int, float)) and x >= 0 and abs(round(x, 2) - x) < 1e-9

    for x in truth["facts"]:
        fld, val = x["field"], x["value"]
        if fld in MONEY_FIELDS and not money_ok(val):
            errs.append(f"{fld}={val!r} is not yuan with ≤2 decimals")
        if fld in COUNT_FIELDS and not isinstance(val, int):
            errs.append(f"{fld}={val!r} is not an integer count")
        if fld in RATIO_FIELDS and not (isinstance(val, float) and 0 <= val <= 1.5):
            errs.append(f"{fld}={val!r} is not a ratio")
    for li in truth.get("line_items", []):
        for k in ("amount", "budget_amount"):
            if li[k] is not None and not money_ok(li[k]):
                errs.append(f"line item {li['code']} {k}={li[k]!r}")
    for p in truth.get("projects", []):
        for k in ("budget_amount", "executed_amount"):
            if not money_ok(p[k]):
                errs.append(f"project {p['project_name']} {k}={p[k]!r}")
    for c in truth.get("conflicts", []):
        if c["field"] in MONEY_FIELDS:
            errs.extend(f"conflict {c['field']} value {x!r}" for x in c["values"] if not money_ok(x))
    return errs
