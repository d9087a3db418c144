"""Field-by-field check of the five real samples against our answer key (tests/extract/expected).

Skips cleanly when ../shared/samples is not present.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from extract import extract_file
from extract.evaluate import Score, _same, score_one

EXPECTED = Path(__file__).parent / "expected"
SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples"
KEYS = sorted(EXPECTED.glob("*.json"))

pytestmark = pytest.mark.skipif(not (SAMPLES.is_dir() and any(SAMPLES.glob("*.txt"))),
                                reason="../shared/samples is not present")


@cache
def _out(stem: str) -> dict:
    return extract_file(SAMPLES / f"{stem}.txt")


def _key(stem: str) -> dict:
    return json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8"))


def _cases():
    for k in KEYS:
        key = json.loads(k.read_text(encoding="utf-8"))
        for f in key["document"]:
            yield pytest.param(k.stem, "document", f, id=f"{k.stem[:3]}-doc-{f}")
        for f in key["facts"]:
            yield pytest.param(k.stem, "fact", f, id=f"{k.stem[:3]}-{f}")


@pytest.mark.parametrize(("stem", "kind", "field"), list(_cases()))
def test_field(stem: str, kind: str, field: str) -> None:
    out, key = _out(stem), _key(stem)
    assert out["status"] == "ok", out["reason"]
    if kind == "document":
        assert out["document"].get(field) == key["document"][field]
        return
    got = {f["field"]: f for f in out["facts"]}
    assert field in got, f"{field} missing"
    e = key["facts"][field]
    g = got[field]
    if "value_text" in e:
        assert g["value_text"] == e["value_text"]
    else:
        assert _same(g["value"], e["value"]), g["snippet"]
        if "unit" in e:
            assert g["unit_as_reported"] == e["unit"]
    s, t = g["span"]
    assert 0 <= s < t


@pytest.mark.parametrize("stem", [k.stem for k in KEYS])
def test_no_unexpected_facts_and_lists(stem: str) -> None:
    """Precision side: nothing the key does not state, lists and conflicts as in the key."""
    sc = Score()
    score_one(_out(stem), _key(stem), sc, stem[:3])
    assert not sc.errors, "\n".join(sc.errors)


def test_overall_precision_recall() -> None:
    sc = Score()
    for k in KEYS:
        score_one(_out(k.stem), _key(k.stem), sc, k.stem[:3])
    p, r = Score.pr(*sc.total())
    assert p >= 0.99 and r >= 0.95, (p, r)


def test_spans_point_at_the_printed_number() -> None:
    from extract.reading import read_file

    for k in KEYS:
        text = read_file(SAMPLES / f"{k.stem}.txt").text
        for f in _out(k.stem)["facts"]:
            s, e = f["span"]
            if f["unit_as_reported"] is not None:
                assert text[s:e].startswith(f["as_reported"]), (f["field"], text[s:e])
