"""Run `dbt build` over the work database, in its own process.

A child process guarantees that dbt-duckdb's connection, and with it the file lock, is gone
when the step returns (in-process invocations have been seen to keep attached databases
locked). Results are read from dbt's run_results.json so warnings reach the run summary.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
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


BUILDS_DDL = """
CREATE TABLE IF NOT EXISTS meta.builds (
    run_id VARCHAR NOT NULL, built_at TIMESTAMP NOT NULL, raw_state VARCHAR NOT NULL, project_hash VARCHAR NOT NULL
)
"""


@dataclass(frozen=True)
class Fingerprint:
    """What the marts were built from: the raw tables' state and the dbt project's files."""

    raw_state: str
    project_hash: str
    unchanged: bool
    #: The dbt project differs from the one of the last build: incremental models (which fail on
    #: a schema change) are rebuilt from scratch rather than patched.
    project_changed: bool = False


def _project_hash(project_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(project_dir.rglob("*")):
        if path.is_file() and path.suffix in (".sql", ".yml", ".yaml", ".csv", ".md") and "target" not in path.parts:
            digest.update(str(path.relative_to(project_dir)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def build_fingerprint(settings: Settings) -> Fingerprint:
    """Skip dbt only when nothing it reads changed: raw rows, the ledger, or the project itself."""
    from pipeline.db import writer

    project = _project_hash(settings.dbt_project_dir)
    with writer(settings.work_db) as con:
        con.execute(BUILDS_DDL)
        raw_state = "|".join(str(v) for v in con.execute(
            "SELECT (SELECT count(*) FROM raw.documents), (SELECT max(_loaded_at) FROM raw.documents), "
            "(SELECT count(*) FROM raw.facts), (SELECT max(updated_at) FROM meta.ingest_ledger), "
            "(SELECT count(*) FROM meta.ingest_ledger)"
        ).fetchone())
        last = con.execute("SELECT raw_state, project_hash FROM meta.builds ORDER BY built_at DESC LIMIT 1").fetchone()
        marts = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts'").fetchone()[0]
    unchanged = bool(last) and last == (raw_state, project) and marts > 0
    project_changed = bool(last) and last[1] != project
    return Fingerprint(raw_state, project, unchanged, project_changed)


def record_build(settings: Settings, run_id: str, fingerprint: Fingerprint) -> None:
    from pipeline.db import writer

    with writer(settings.work_db) as con:
        con.execute(BUILDS_DDL)
        con.execute("INSERT INTO meta.builds VALUES (?, now(), ?, ?)",
                    [run_id, fingerprint.raw_state, fingerprint.project_hash])
