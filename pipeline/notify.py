"""What a person sees when a run fails: one structured log line and a failure file per run."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger("fiscal.alerts")


def on_failure(context: dict[str, Any]) -> None:
    """Airflow failure callback (task or DAG level); never raises, so it cannot mask the failure."""
    try:
        from pipeline.config import load_settings

        ti = context.get("task_instance") or context.get("ti")
        run_id = str(context.get("run_id") or getattr(context.get("dag_run"), "run_id", "unknown"))
        record = {
            "at": datetime.now(UTC).isoformat(),
            "dag_id": getattr(context.get("dag"), "dag_id", None),
            "run_id": run_id,
            "task_id": getattr(ti, "task_id", None),
            "error": repr(context.get("exception")) if context.get("exception") else context.get("reason"),
        }
        log.error("fiscal pipeline failure", extra={"alert": record})
        out = load_settings().run_dir(run_id) / "failure.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    except Exception:  # a broken alert must not hide the original failure
        log.exception("failure callback itself failed")
