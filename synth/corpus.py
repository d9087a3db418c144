"""Write a corpus: report files in <out>/inbox/, one truth JSON per file in <out>/truth/.

Every file depends only on (seed, index), so the corpus is byte-identical across runs and
across any number of worker processes.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
from collections.abc import Iterable, Sequence
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from synth.damage import apply_damage, choose_kinds
from synth.generate import generate_report
from synth.model import REPORT_TYPES, Report
from synth.render import FORMATS, Rendered, render

REALISTIC_MIX = {"pdf": 60, "docx": 13, "xlsx": 7, "html": 8, "xls": 2, "txt": 10}
_TYPE_LABEL = {"final_accounts": "部门决算", "budget": "部门预算", "performance_evaluation": "部门整体支出绩效自评报告"}


def _choose_format(rng: random.Random, formats: Sequence[str], mix: str | None) -> str:
    if mix == "realistic":
        pool = [f for f in REALISTIC_MIX if f in formats] or list(REALISTIC_MIX)
        return rng.choices(pool, weights=[REALISTIC_MIX[f] for f in pool])[0]
    return formats[rng.randrange(len(formats))]


def _file_stem(i: int, rep: Report, rng: random.Random) -> str:
    if rng.random() < 0.3 and rep.document.get("department_name"):
        d = rep.document
        return f"r{i:05d}_{d['department_name']}{d['fiscal_year']}年{_TYPE_LABEL[rep.report_type]}"
    return f"r{i:05d}"


def truth_record(rep: Report, r: Rendered, name: str, report_seed: str) -> dict[str, Any]:
    """The truth JSON for one written file."""
    t = rep.truth()
    t.update({
        "file": name,
        "sha256": hashlib.sha256(r.data).hexdigest(),
        "format": r.format,
        "encoding": r.encoding,
        "render": r.layout or {},
        "report_seed": report_seed,
        "generator": "synth 0.1.0",
    })
    return t


def build_one(seed: int | str, i: int, *, formats: Sequence[str], mix: str | None, damage: str,
              types: Sequence[str], all_formats: bool = False) -> list[tuple[str, bytes, dict[str, Any]]]:
    """Generate, damage and render report number i of a corpus; returns (name, bytes, truth) triples."""
    rng = random.Random(f"corpus:{seed}:{i}")
    rtype = types[rng.randrange(len(types))]
    report_seed = f"{seed}:{i}"
    rep = generate_report(report_seed, rtype)
    kinds = choose_kinds(damage, rng)
    if kinds:
        rep = apply_damage(rep, kinds, rng)
    stem = _file_stem(i, rep, rng)
    fmts = list(formats) if all_formats else [_choose_format(rng, formats, mix)]
    out = []
    for fmt in fmts:
        frng = random.Random(f"render:{seed}:{i}:{fmt}")
        r = render(rep, fmt, frng)
        name = stem + r.ext
        out.append((name, r.data, truth_record(rep, r, name, report_seed)))
    return out


def _work(args: tuple[Any, ...]) -> list[tuple[str, str]]:
    out_dir, seed, idx, formats, mix, damage, types, all_formats = args
    inbox, truth = Path(out_dir) / "inbox", Path(out_dir) / "truth"
    written = []
    for i in idx:
        for name, data, t in build_one(seed, i, formats=formats, mix=mix, damage=damage, types=types,
                                       all_formats=all_formats):
            (inbox / name).write_bytes(data)
            (truth / f"{name}.truth.json").write_text(json.dumps(t, ensure_ascii=False, indent=1), encoding="utf-8")
            written.append((name, t["format"]))
    return written


def write_corpus(out_dir: str | os.PathLike[str], n: int, seed: int | str, *, formats: Iterable[str] | None = None,
                 mix: str | None = None, damage: str = "none", types: Iterable[str] | None = None,
                 workers: int | None = None, all_formats: bool = False) -> list[Path]:
    """Write n reports (or n × formats with all_formats) and their truth; return the report paths.

    formats: subset of txt, html, xls (HTML served as .xls), xlsx, docx, pdf (default: all).
    mix: 'realistic' draws formats ≈60% PDF, 20% DOCX/XLSX, 20% HTML/TXT.
    damage: none | light | heavy | kind+kind (e.g. 'fullwidth+dup_conflict').
    """
    fmts = tuple(formats or FORMATS)
    for f in fmts:
        if f not in FORMATS:
            raise ValueError(f"unknown format {f!r}; expected some of {FORMATS}")
    tys = tuple(types or REPORT_TYPES)
    for t in tys:
        if t not in REPORT_TYPES:
            raise ValueError(f"unknown report type {t!r}; expected some of {REPORT_TYPES}")
    choose_kinds(damage, random.Random(0))  # validate early
    out = Path(out_dir)
    (out / "inbox").mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    slow = any(f in ("pdf", "docx", "xlsx") for f in fmts)
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if (slow and n >= 20) else 1
    chunks = [list(range(k, n, workers)) for k in range(workers)] if workers > 1 else [list(range(n))]
    jobs = [(str(out), seed, c, fmts, mix, damage, tys, all_formats) for c in chunks if c]
    if len(jobs) > 1:
        with get_context("fork" if hasattr(os, "fork") else "spawn").Pool(len(jobs)) as pool:
            results = pool.map(_work, jobs)
    else:
        results = [_work(j) for j in jobs]
    names = sorted(name for res in results for name, _ in res)
    manifest = out / "manifest.jsonl"
    with manifest.open("w", encoding="utf-8") as f:
        for name in names:
            rec = {"file": f"inbox/{name}", "truth": f"truth/{name}.truth.json"}
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return [out / "inbox" / name for name in names]
