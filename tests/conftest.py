"""Shared fixtures: isolated state folders and the optional real samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.config import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLES_DIR = REPO_ROOT.parent / "shared" / "samples"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A run's folders, all inside the test's temporary directory."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return Settings(inbox=inbox, warehouse=tmp_path / "published" / "fiscal.duckdb", state=tmp_path / "state")


def samples_available() -> bool:
    return SAMPLES_DIR.is_dir() and any(SAMPLES_DIR.glob("*.txt"))


requires_samples = pytest.mark.skipif(not samples_available(), reason="../shared/samples is not present")
