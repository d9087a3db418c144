"""The warm-up builds, in the parent, what forked extraction workers would otherwise rebuild."""

from __future__ import annotations

import subprocess
import sys

from pipeline.config import REPO_ROOT


def test_warm_up_builds_the_lookup_tables_and_loads_the_format_libraries() -> None:
    code = (
        "from extract.warmup import warm_up\n"
        "from extract.labels import catalog\n"
        "from extract.region import gazetteer\n"
        "from extract.reading.encoding import frequent_chars\n"
        "import sys\n"
        "assert catalog.cache_info().currsize == 0 and gazetteer.cache_info().currsize == 0\n"
        "warm_up()\n"
        "print(catalog.cache_info().currsize, gazetteer.cache_info().currsize, frequent_chars.cache_info().currsize,"
        " 'pypdfium2' in sys.modules, 'selectolax.lexbor' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1", "1", "True", "True"]


def test_a_failing_warm_up_is_logged_and_extraction_goes_on(monkeypatch, caplog) -> None:
    import extract.warmup
    from pipeline import extract_step

    def broken() -> None:
        raise RuntimeError("no tables")

    monkeypatch.setattr(extract.warmup, "warm_up", broken)
    extract_step._warm_up_parent()
    assert any("warm-up failed" in r.getMessage() for r in caplog.records)
