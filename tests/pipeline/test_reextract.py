"""Re-extraction: the archive is read again with an improved extractor and every change is reported."""

from __future__ import annotations

import pytest

import extract
from pipeline.config import Settings
from pipeline.reextract import diff, plan, snapshot
from pipeline.steps import step_close_books, step_discover, step_extract, step_gate, step_load, step_promote
from synth import write_corpus

pytestmark = pytest.mark.slow


def _ingest(settings: Settings, run_id: str, batches: list[int]) -> None:
    for batch in batches:
        step_extract(settings, run_id, batch)
    step_load(settings, run_id)
    step_gate(settings, run_id)


NEW_FIELD = "budget_execution_rate_newly_found"


def _improved(real):
    """A 'newer extractor': one value corrected, one field newly found, one dropped."""
    def extract_bytes(data: bytes, name: str) -> dict:
        result = real(data, name)
        facts = {f["field"]: f for f in result["facts"]}
        facts["expenditure_total"] = {**facts["expenditure_total"], "value": facts["expenditure_total"]["value"] + 100}
        facts.pop("expenditure_basic", None)
        facts[NEW_FIELD] = {"field": NEW_FIELD, "value": 0.95, "unit_as_reported": "%", "as_reported": "95",
                            "span": None, "page": None, "snippet": None}
        result["facts"] = list(facts.values())
        return result
    return extract_bytes


def test_reextraction_reports_added_changed_and_removed_values_per_field(
    settings: Settings, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = write_corpus(tmp_path / "corpus", 2, seed=8, formats=["txt"], types=["final_accounts"])
    for f in files:
        (settings.inbox / f.name).write_bytes(f.read_bytes())
    _ingest(settings, "first", step_discover(settings, "first"))
    step_promote(settings, "first")
    step_close_books(settings, "first")

    monkeypatch.setattr(extract, "extract_bytes", _improved(extract.extract_bytes))
    batches = plan(settings, "again")
    _ingest(settings, "again", batches)
    snapshot(settings, "again")
    counts = step_promote(settings, "again")
    books = step_close_books(settings, "again")
    changes = diff(settings, "again")

    assert counts["loaded"] == 2 and books["files_seen"] == 2
    assert changes["by_field"]["expenditure_total"] == {"added": 0, "changed": 2, "removed": 0}
    assert changes["by_field"]["expenditure_basic"] == {"added": 0, "changed": 0, "removed": 2}
    assert changes["by_field"][NEW_FIELD] == {"added": 2, "changed": 0, "removed": 0}
    assert set(changes["by_field"]) == {"expenditure_total", "expenditure_basic", NEW_FIELD}


def test_reextraction_with_the_same_extractor_changes_nothing(settings: Settings, tmp_path) -> None:
    files = write_corpus(tmp_path / "corpus", 2, seed=9, formats=["txt"])
    for f in files:
        (settings.inbox / f.name).write_bytes(f.read_bytes())
    _ingest(settings, "first", step_discover(settings, "first"))
    step_promote(settings, "first")
    batches = plan(settings, "again")
    _ingest(settings, "again", batches)
    snapshot(settings, "again")
    step_promote(settings, "again")
    assert diff(settings, "again")["by_field"] == {}
