"""Fixtures for the synth tests: one small corpus shared by the module that asks for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth import write_corpus


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve reports in every format (72 files), heavy damage, written once per session."""
    out = tmp_path_factory.mktemp("synth_corpus")
    write_corpus(out, 12, 5, damage="heavy", all_formats=True, workers=1)
    return out
