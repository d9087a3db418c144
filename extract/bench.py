"""Speed of the whole extractor (read + full catalog) on plain-text reports, one core.

    .venv/bin/python -m extract.bench --samples ../shared/samples     # real reports
    .venv/bin/python -m extract.bench --generated 300                 # synthetic TXT reports
    .venv/bin/python -m extract.bench --samples ../shared/samples --profile 30

Not a test (speed is measured, not asserted; the numbers go in extract/README.md and the
issue note). Each rate is the best of five timed passes after a warm-up, in documents per
second: `read_and_catalog` is `extract_bytes` on the file's bytes (what the pipeline runs),
`catalog` is the core on text already read. The corpus rate is documents divided by the
total time, so a slow large report counts as much as it costs.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _best_rate(fn: Callable[[], object], count: int, passes: int = 5) -> float:
    best = float("inf")
    for _ in range(passes):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return count / best


def measure(files: list[tuple[str, bytes]], repeat: int) -> dict[str, object]:
    """Documents per second over `files`, each processed `repeat` times per pass."""
    from extract import extract_bytes
    from extract.core import extract_text
    from extract.reading import read_bytes
    from extract.warmup import warm_up

    warm_up()
    texts = [(name, read_bytes(data, name).text) for name, data in files]
    for name, data in files:  # warm-up: caches that fill once per process
        extract_bytes(data, name)

    def read_all() -> None:
        for _ in range(repeat):
            for name, data in files:
                read_bytes(data, name)

    def catalog_all() -> None:
        for _ in range(repeat):
            for name, text in texts:
                extract_text(text, name)

    def both_all() -> None:
        for _ in range(repeat):
            for name, data in files:
                extract_bytes(data, name)

    n = repeat * len(files)
    return {
        "documents": len(files),
        "mean_kb": round(sum(len(d) for _, d in files) / len(files) / 1024, 1),
        "mean_chars": round(sum(len(t) for _, t in texts) / len(texts)),
        "read_docs_per_s": round(_best_rate(read_all, n)),
        "catalog_docs_per_s": round(_best_rate(catalog_all, n)),
        "read_and_catalog_docs_per_s": round(_best_rate(both_all, n)),
    }


def per_file(files: list[tuple[str, bytes]], repeat: int) -> dict[str, int]:
    """read + catalog per real report, so one slow file is visible."""
    from extract import extract_bytes

    out = {}
    for name, data in files:
        out[name] = round(_best_rate(lambda d=data, n=name: [extract_bytes(d, n) for _ in range(repeat)], repeat))
    return out


def sample_files(folder: str) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(Path(folder).iterdir()) if p.is_file()]


def generated_files(n: int, seed: int = 4242) -> list[tuple[str, bytes]]:
    """`n` realistic synthetic reports written as plain text (the generator's TXT encodings)."""
    from synth.corpus import write_corpus

    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(tmp, n, seed, formats=["txt"])
        return [(p.name, p.read_bytes()) for p in paths]


def profile(files: list[tuple[str, bytes]], repeat: int, top: int) -> None:
    from extract import extract_bytes
    from extract.warmup import warm_up

    warm_up()
    for name, data in files:
        extract_bytes(data, name)
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        for name, data in files:
            extract_bytes(data, name)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--samples", help="folder of real reports as text")
    ap.add_argument("--generated", type=int, default=0, help="number of synthetic TXT reports")
    ap.add_argument("--repeat", type=int, default=20, help="passes over the samples per timing")
    ap.add_argument("--profile", type=int, default=0, help="print the top N functions by own time")
    args = ap.parse_args()
    res: dict[str, object] = {}
    if args.samples:
        files = sample_files(args.samples)
        if args.profile:
            profile(files, args.repeat, args.profile)
            return
        res["samples"] = measure(files, args.repeat)
        res["samples_per_file_docs_per_s"] = per_file(files, args.repeat)
    if args.generated:
        files = generated_files(args.generated)
        if args.profile:
            profile(files, 1, args.profile)
            return
        res["generated_txt"] = measure(files, 1)
    print(json.dumps(res, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
