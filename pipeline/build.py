"""Run `dbt build` over the work database, in its own process.

A child process guarantees that dbt-duckdb's connection, and with it the file lock, is gone
when the step returns (in-process invocations have been seen to keep attached databases
locked). Results are read from dbt's run_results.json so warnings reach the run summary.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from pipeline.config import Settings

log = logging.getLogger(__name__)


class DbtBuildError(RuntimeError):
    """dbt failed: a model did not build or an error-severity test failed."""


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def dbt_env(settings: Settings) -> dict[str, str]:
    """Everything dbt needs, and nothing that makes it reach the network."""
    target = settings.state / "dbt"
    return {
        **os.environ,
        "FISCAL_WORK_DB": str(settings.work_db),
        "DBT_PROFILES_DIR": str(settings.dbt_project_dir),
        "DBT_PROJECT_DIR": str(settings.dbt_project_dir),
        "DBT_TARGET_PATH": str(target / "target"),
        "DBT_LOG_PATH": str(target / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        "DBT_USE_COLORS": "False",
        "DBT_PARTIAL_PARSE": "True",
    }


def run_dbt(settings: Settings, *args: str) -> dict[str, int]:
    """Run one dbt command; raise DbtBuildError with dbt's own words when it fails."""
    env = dbt_env(settings)
    command = [dbt_executable(), *args, "--project-dir", str(settings.dbt_project_dir),
               "--profiles-dir", str(settings.dbt_project_dir)]
    if os.environ.get("FISCAL_FAULT") == "dbt_during_build":
        _kill_midway(command, env)
    proc = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    counts = _result_counts(Path(env["DBT_TARGET_PATH"]) / "run_results.json")
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-25:])
        raise DbtBuildError(f"dbt {' '.join(args)} failed (exit {proc.returncode}): {counts}\n{tail}")
    log.info("dbt finished", extra={"command": args[0] if args else "", **counts})
    return counts


def _kill_midway(command: list[str], env: dict[str, str]) -> None:
    """Fault injection: start dbt, SIGKILL it while it builds, then die as the task would."""
    import signal
    import time

    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(float(os.environ.get("FISCAL_FAULT_DELAY", "6")))
    child.send_signal(signal.SIGKILL)
    child.wait()
    os.kill(os.getpid(), signal.SIGKILL)


def _result_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    counts: dict[str, int] = {}
    for result in json.loads(path.read_text(encoding="utf-8")).get("results", []):
        status = str(result.get("status"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def build_warehouse(settings: Settings, full_refresh: bool = False) -> dict[str, int]:
    """`dbt build`: seeds, models and tests in dependency order."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    return run_dbt(settings, *args)
