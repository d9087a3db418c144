"""Damage is deterministic, recorded in the truth and visible in the printed text."""

from __future__ import annotations

import random
import re

import pytest

from synth import apply_damage, generate_report
from synth.damage import ALL_KINDS, choose_kinds
from synth.render import txt_text


def _damaged(kind: str, seed: str = "d") -> tuple[dict, str]:
    rep = apply_damage(generate_report(seed, "performance_evaluation"), [kind], random.Random(1))
    text, _ = txt_text(rep, random.Random(1))
    return rep.truth(), text


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if k != "dup_conflict"])
def test_each_damage_kind_is_recorded(kind: str) -> None:
    t, _ = _damaged(kind)
    assert t["damage"] == [kind]


def test_fullwidth_digits_appear() -> None:
    _, text = _damaged("fullwidth")
    assert re.search("[０-９]", text)


def test_numbers_broken_across_lines() -> None:
    _, text = _damaged("break_numbers")
    assert re.search(r"\d\.\n\d", text)


def test_spaces_inside_digits() -> None:
    _, text = _damaged("spaces")
    assert re.search(r"\d \d", text)


def test_ads_are_inserted() -> None:
    _, text = _damaged("ads")
    assert "版权所有" in text or "广告" in text or "访问" in text or "扫码" in text or "链接" in text \
        or "分享" in text or "推广" in text or "下载" in text or "标识码" in text


def test_traditional_script() -> None:
    t, text = _damaged("traditional")
    assert t["script"] == "traditional"
    assert "萬元" in text or "單位" in text


def test_mid_page_drops_the_title() -> None:
    t, _ = _damaged("mid_page")
    assert t["document"]["title"] is None


def test_dup_conflict_lists_both_values() -> None:
    for i in range(20):
        t, text = _damaged("dup_conflict", f"c{i}")
        if t["conflicts"]:
            c = t["conflicts"][0]
            assert len(c["values"]) == 2 and c["values"][0] != c["values"][1]
            fact = next(f for f in t["facts"] if f["field"] == c["field"])
            assert fact["value"] == c["values"][0]
            for ar in c["as_reported"]:
                assert ar in text
            assert t["damage"] == ["dup_conflict"]
            return
    pytest.fail("no conflict injected in 20 reports")


def test_damage_is_deterministic() -> None:
    a = apply_damage(generate_report("x", "final_accounts"), choose_kinds("heavy", random.Random(4)),
                     random.Random(4))
    b = apply_damage(generate_report("x", "final_accounts"), choose_kinds("heavy", random.Random(4)),
                     random.Random(4))
    assert a.text() == b.text() and a.truth() == b.truth()


def test_damage_leaves_the_original_untouched() -> None:
    rep = generate_report("y", "final_accounts")
    before = rep.text()
    apply_damage(rep, list(ALL_KINDS), random.Random(0))
    assert rep.text() == before


def test_clone_is_equal_and_shares_nothing_mutable() -> None:
    import copy

    for rtype in ("final_accounts", "budget", "performance_evaluation"):
        rep = generate_report(f"clone:{rtype}", rtype)
        c = rep.clone()
        assert c == copy.deepcopy(rep)

        def mutable_ids(x: object) -> set[int]:
            if isinstance(x, (str, int, float, bool)) or x is None:
                return set()
            inner = x.values() if isinstance(x, dict) else x if isinstance(x, list) else vars(x).values()
            return {id(x)}.union(*(mutable_ids(v) for v in inner))

        assert not mutable_ids(rep) & mutable_ids(c)


def test_light_and_none_levels() -> None:
    assert choose_kinds("none", random.Random(0)) == []
    assert 1 <= len(choose_kinds("light", random.Random(0))) <= 2
    with pytest.raises(ValueError):
        choose_kinds("bogus", random.Random(0))
