"""The failure callback leaves a readable record and never raises over the original failure."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from pipeline.notify import on_failure


def test_failure_callback_writes_a_failure_record_for_the_run(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FISCAL_STATE", str(tmp_path))
    on_failure({"run_id": "manual__x", "dag": SimpleNamespace(dag_id="fiscal_ingest"),
                "task_instance": SimpleNamespace(task_id="promote"), "exception": RuntimeError("ledger imbalance")})
    record = json.loads((tmp_path / "runs" / "manual__x" / "failure.json").read_text(encoding="utf-8"))
    assert record["task_id"] == "promote" and "ledger imbalance" in record["error"]


def test_a_broken_failure_callback_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FISCAL_STATE", "/proc/not-writable")
    on_failure({"run_id": "r", "exception": RuntimeError("x")})  # must not raise
