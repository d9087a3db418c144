"""Where everything lives, resolved once from the environment.

One object instead of scattered `os.environ` reads, so that the DAG, the command-line
runner and the tests agree on every path. All generated state sits under one folder
(`FISCAL_STATE`, default `<repo>/var`) so a user's home is never touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

#: Files larger than this are refused before any parser sees them (bytes).
DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
#: How many files one extraction task handles; the unit of fan-out.
DEFAULT_BATCH_SIZE = 200
#: Per-file limits while reading: a pathological file is quarantined, not allowed to stall the run.
DEFAULT_EXTRACT_TIMEOUT_S = 120.0
DEFAULT_EXTRACT_MEMORY_MB = 2048


@dataclass(frozen=True)
class Settings:
    """Paths and knobs of one pipeline run."""

    inbox: Path
    warehouse: Path
    state: Path
    batch_size: int = DEFAULT_BATCH_SIZE
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    extract_workers: int = max(1, os.cpu_count() or 1)
    extract_timeout_s: float = DEFAULT_EXTRACT_TIMEOUT_S
    extract_memory_mb: int = DEFAULT_EXTRACT_MEMORY_MB

    @property
    def work_db(self) -> Path:
        """The database being written; readers never open it (they get `warehouse`)."""
        return self.state / "work" / "fiscal_work.duckdb"

    @property
    def landing(self) -> Path:
        return self.state / "landing"

    @property
    def runs(self) -> Path:
        return self.state / "runs"

    @property
    def archive(self) -> Path:
        """Original files by sha256, kept so the archive can be re-extracted later."""
        return self.state / "archive"

    @property
    def quarantine(self) -> Path:
        return self.state / "quarantine"

    @property
    def data_docs(self) -> Path:
        return self.state / "data_docs"

    @property
    def parquet_dir(self) -> Path:
        return self.warehouse.parent / "parquet"

    @property
    def dbt_project_dir(self) -> Path:
        return REPO_ROOT / "dbt_project"

    def run_dir(self, run_id: str) -> Path:
        return self.runs / safe_run_id(run_id)

    def landing_dir(self, run_id: str) -> Path:
        return self.landing / safe_run_id(run_id)


def safe_run_id(run_id: str) -> str:
    """Airflow run ids contain ':' and '+'; keep folder names portable."""
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in run_id)


def _path(value: str | None, default: Path) -> Path:
    if not value:
        return default
    path = Path(value).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path)


def load_settings(
    inbox: str | os.PathLike[str] | None = None,
    warehouse: str | os.PathLike[str] | None = None,
    state: str | os.PathLike[str] | None = None,
) -> Settings:
    """Explicit arguments win over `FISCAL_INBOX`/`FISCAL_WAREHOUSE`/`FISCAL_STATE`."""
    env = os.environ
    return Settings(
        inbox=_path(str(inbox) if inbox else env.get("FISCAL_INBOX"), REPO_ROOT / "data" / "inbox").resolve(),
        warehouse=_path(
            str(warehouse) if warehouse else env.get("FISCAL_WAREHOUSE"),
            REPO_ROOT / "warehouse" / "fiscal.duckdb",
        ).resolve(),
        state=_path(str(state) if state else env.get("FISCAL_STATE"), REPO_ROOT / "var").resolve(),
        batch_size=int(env.get("FISCAL_BATCH_SIZE", DEFAULT_BATCH_SIZE)),
        max_file_bytes=int(env.get("FISCAL_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES)),
        extract_workers=int(env.get("FISCAL_EXTRACT_WORKERS", max(1, os.cpu_count() or 1))),
        extract_timeout_s=float(env.get("FISCAL_EXTRACT_TIMEOUT", DEFAULT_EXTRACT_TIMEOUT_S)),
        extract_memory_mb=int(env.get("FISCAL_EXTRACT_MEMORY_MB", DEFAULT_EXTRACT_MEMORY_MB)),
    )
