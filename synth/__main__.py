"""CLI: python -m synth --out DIR --n N --seed S [--formats ...] [--mix realistic] [--damage ...]."""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from synth.corpus import write_corpus


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, write the corpus and print a one-line summary per format."""
    p = argparse.ArgumentParser(prog="python -m synth", description="Write synthetic department reports with truth.")
    p.add_argument("--out", required=True, help="output directory (gets inbox/, truth/, manifest.jsonl)")
    p.add_argument("--n", type=int, default=10, help="number of reports")
    p.add_argument("--seed", default="0", help="corpus seed (same seed → byte-identical files)")
    p.add_argument("--formats", default=None, help="comma list of txt,html,xls,xlsx,docx,pdf (default all)")
    p.add_argument("--mix", default=None, choices=["realistic", "uniform"], help="format mix")
    p.add_argument("--damage", default="none", help="none | light | heavy | kind+kind")
    p.add_argument("--types", default=None, help="comma list of final_accounts,budget,performance_evaluation")
    p.add_argument("--workers", type=int, default=None, help="processes (default: 2 for PDF/DOCX/XLSX, else 1)")
    p.add_argument("--all-formats", action="store_true", help="write every report in every listed format")
    p.add_argument("--bad-inputs", action="store_true", help="also write the hostile-input set to OUT/bad/")
    a = p.parse_args(argv)
    seed: int | str = int(a.seed) if a.seed.lstrip("-").isdigit() else a.seed
    formats = [f.strip() for f in a.formats.split(",")] if a.formats else None
    types = [t.strip() for t in a.types.split(",")] if a.types else None
    t0 = time.perf_counter()
    try:
        paths = write_corpus(a.out, a.n, seed, formats=formats, mix=None if a.mix == "uniform" else a.mix,
                             damage=a.damage, types=types, workers=a.workers, all_formats=a.all_formats)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    by = Counter(p.suffix for p in paths)
    print(f"wrote {len(paths)} files to {a.out}/inbox in {dt:.2f}s ({dt / max(1, len(paths)) * 1000:.1f} ms/file): "
          + ", ".join(f"{k}={v}" for k, v in sorted(by.items())))
    if a.bad_inputs:
        from synth.bad_inputs import write_bad_corpus

        expected = write_bad_corpus(f"{a.out}/bad")
        print(f"wrote {len(expected)} hostile inputs to {a.out}/bad")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
