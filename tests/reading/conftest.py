"""Fixtures for the reading-layer tests: the real samples when present, else skip cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import sample_paths


@pytest.fixture
def samples() -> list[Path]:
    paths = sample_paths()
    if not paths:
        pytest.skip("shared/samples not present on this machine")
    return paths
