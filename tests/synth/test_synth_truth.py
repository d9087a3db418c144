"""The truth's numbers are internally consistent and in the contract's units."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from synth import apply_damage, generate_report
from synth.damage import choose_kinds
from synth.model import REPORT_TYPES
from synth.truthcheck import arithmetic_errors, unit_errors


def _reports(n: int, damage: str) -> list[dict]:
    out = []
    for i in range(n):
        rep = generate_report(f"t{i}", REPORT_TYPES[i % 3])
        rng = random.Random(i)
        kinds = choose_kinds(damage, rng)
        if kinds:
            rep = apply_damage(rep, kinds, rng)
        out.append(rep.truth())
    return out


@pytest.mark.parametrize("damage", ["none", "heavy"])
def test_truth_arithmetic_holds(damage: str) -> None:
    for t in _reports(150, damage):
        assert arithmetic_errors(t) == [], t["document"]


def test_money_is_yuan_with_at_most_two_decimals_counts_are_integers() -> None:
    for t in _reports(150, "heavy"):
        assert unit_errors(t) == [], t["document"]


def test_every_truth_has_the_contract_shape(small_corpus: Path) -> None:
    for p in (small_corpus / "truth").glob("*.truth.json"):
        t = json.loads(p.read_text(encoding="utf-8"))
        assert set(t) >= {"document", "facts", "conflicts", "line_items", "indicators", "projects", "problems",
                          "remedies", "damage"}
        assert set(t["document"]) >= {"department_name", "province", "city", "county", "division_code",
                                      "fiscal_year", "report_type", "published_on"}
        fields = [f["field"] for f in t["facts"]]
        assert len(fields) == len(set(fields)), "a field appears at most once"
        for f in t["facts"]:
            assert set(f) >= {"field", "value", "value_text", "unit_as_reported", "as_reported"}


def test_only_printed_facts_are_in_the_truth() -> None:
    for i in range(60):
        rep = generate_report(f"p{i}", REPORT_TYPES[i % 3])
        text = rep.text()
        for f in rep.truth()["facts"]:
            assert f["as_reported"] in text, (f, rep.document)


def test_zero_stated_in_words_is_a_zero_fact() -> None:
    found = False
    for i in range(200):
        for f in generate_report(f"z{i}", "final_accounts").truth()["facts"]:
            if f["unit_as_reported"] is None and f["field"] != "performance_grade":
                assert f["value"] == 0.0
                assert any(w in f["as_reported"] for w in ("无", "未", "零"))
                found = True
    assert found


def test_budget_reports_use_plain_field_names() -> None:
    t = generate_report("b1", "budget").truth()
    fields = {f["field"] for f in t["facts"]}
    assert {"revenue_total", "expenditure_total", "three_public_total"} <= fields
    assert "three_public_budget" not in fields  # plans use the plain names (fields.md §5 rule 9)


def test_performance_reports_carry_indicators_projects_problems() -> None:
    got = {"indicators": 0, "projects": 0, "problems": 0, "remedies": 0}
    for i in range(20):
        t = generate_report(f"e{i}", "performance_evaluation").truth()
        for k in got:
            got[k] += len(t[k])
        assert any(f["field"] == "performance_score" for f in t["facts"])
    assert all(v > 0 for v in got.values()), got


def test_truth_files_sit_outside_the_inbox(small_corpus: Path) -> None:
    inbox = sorted(p.name for p in (small_corpus / "inbox").iterdir())
    truths = sorted(p.name for p in (small_corpus / "truth").iterdir())
    assert not [n for n in inbox if n.endswith(".json")]
    assert truths == sorted(f"{n}.truth.json" for n in inbox)
