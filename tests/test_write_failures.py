"""A write that fails (read-only folder, disk full) fails with a clear message and keeps the previous state.

Tests run as root here, where permissions do not bind: the read-only folder is made immutable
(chattr +i), and the full disk is a child process with a small file-size limit (RLIMIT_FSIZE).
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline.config import Settings
from pipeline.publish import publish

PUBLISH = (
    "import sys; from pathlib import Path; from pipeline.config import Settings; from pipeline.publish import publish\n"
    "s = Settings(inbox=Path(sys.argv[1]), warehouse=Path(sys.argv[2]), state=Path(sys.argv[3]))\n"
    "publish(s, 'second')\n"
)


def _work(settings: Settings, rows: int) -> None:
    settings.work_db.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.work_db))
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("CREATE OR REPLACE TABLE marts.dim_document AS SELECT range AS document_id, "
                "repeat('x', 200) AS pad FROM range(?)", [rows])
    con.close()


def _publish_in_child(settings: Settings, preexec) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PUBLISH, str(settings.inbox), str(settings.warehouse),
                           str(settings.state)], capture_output=True, text=True, preexec_fn=preexec, check=False)


def _rows(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM marts.dim_document").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def published(settings: Settings) -> Settings:
    _work(settings, 5)
    publish(settings, "first")
    _work(settings, 50_000)
    return settings


def _immutable(path: Path, on: bool) -> bool:
    """chattr +i: a folder even root cannot write into (permissions alone do not bind root)."""
    return subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True, check=False).returncode == 0


def test_publishing_into_a_read_only_folder_fails_clearly_and_keeps_the_old_copy(published: Settings) -> None:
    folder = published.warehouse.parent
    if not _immutable(folder, True):
        pytest.skip("chattr +i is not available on this filesystem")
    try:
        result = _publish_in_child(published, None)
    finally:
        _immutable(folder, False)
    assert result.returncode != 0
    assert "could not write the serving copy" in result.stderr
    assert "previously published warehouse is unchanged" in result.stderr
    assert _rows(published.warehouse) == 5


def test_a_full_disk_fails_the_publish_clearly_and_keeps_the_old_copy(published: Settings) -> None:
    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    result = _publish_in_child(published, small_disk)
    assert result.returncode != 0
    assert "could not write the serving copy" in result.stderr or "Parquet export" in result.stderr
    assert _rows(published.warehouse) in (5,)
    assert not list(published.warehouse.parent.glob(".*.building*"))
