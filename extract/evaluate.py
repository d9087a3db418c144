"""Precision / recall of the extractor against answer keys.

    python -m extract.evaluate --samples /work/shared/samples --expected tests/extract/expected
    python -m extract.evaluate --corpus DIR          # DIR/truth/<stem>.truth.json beside the reports

A key (tests/extract/expected/<stem>.json) holds `document`, `facts` {field: {value, unit}},
`ambiguous` (fields not scored), `conflicts` {field: [values]}, `line_items`, `indicators`,
`projects`, `problems`/`remedies` (counts). Synthetic truth files may instead give `facts` as a
list of {field, value}; both are read.

Scoring per field: a right value is a true positive; a wrong value is a false positive and a
false negative; a missing value a false negative; a value for a field the key does not state
(and does not list as ambiguous) a false positive.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from . import extract_file
from .projects import project_key

DOC_FIELDS = ("department_name", "province", "city", "county", "division_code", "fiscal_year", "report_type",
              "published_on")


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        tol = 0.5 if max(abs(a), abs(b)) >= 10 else 1e-4
        return abs(float(a) - float(b)) <= tol
    return a == b


class Score:
    def __init__(self) -> None:
        self.c: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
        self.errors: list[str] = []

    def add(self, name: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        c = self.c[name]
        c[0] += tp
        c[1] += fp
        c[2] += fn

    @staticmethod
    def pr(tp: int, fp: int, fn: int) -> tuple[float, float]:
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / (tp + fn) if tp + fn else 1.0
        return p, r

    def total(self, names=None) -> tuple[int, int, int]:
        tp = fp = fn = 0
        for k, (a, b, c) in self.c.items():
            if names is None or k in names:
                tp, fp, fn = tp + a, fp + b, fn + c
        return tp, fp, fn


def _facts_of(truth: dict) -> dict:
    f = truth.get("facts", {})
    if isinstance(f, list):
        return {x["field"]: {"value": x.get("value"), "value_text": x.get("value_text")} for x in f}
    return f


def _match_rows(exp: list[dict], got: list[dict], keys: list[str]) -> tuple[int, int, int, list]:
    """Multiset matching on the given keys (every key the expected row states)."""
    used = [False] * len(got)
    tp = 0
    missed = []
    for e in exp:
        for i, g in enumerate(got):
            if used[i]:
                continue
            if all(_same(e.get(k), g.get(k)) for k in keys if k in e):
                used[i] = True
                tp += 1
                break
        else:
            missed.append(e)
    return tp, len(got) - tp, len(exp) - tp, missed


def score_one(out: dict, truth: dict, sc: Score, label: str) -> None:
    doc = out.get("document") or {}
    for k in DOC_FIELDS:
        if k not in truth.get("document", {}):
            continue
        e, g = truth["document"][k], doc.get(k)
        if e is None and g is None:
            continue
        if e is None:
            sc.add(k, fp=1)
            sc.errors.append(f"{label} {k}: got {g!r}, key says not stated")
        elif _same(e, g):
            sc.add(k, tp=1)
        else:
            sc.add(k, fp=1 if g is not None else 0, fn=1)
            sc.errors.append(f"{label} {k}: got {g!r}, expected {e!r}")
    exp = _facts_of(truth)
    amb = set(truth.get("ambiguous", []))
    got = {f["field"]: f for f in out.get("facts", [])}
    for fld, e in exp.items():
        g = got.get(fld)
        ev = e.get("value_text") if e.get("value_text") is not None else e.get("value")
        gv = None if g is None else (g["value_text"] if g.get("value_text") is not None else g["value"])
        if g is None:
            sc.add(fld, fn=1)
            sc.errors.append(f"{label} {fld}: missing, expected {ev!r}")
        elif _same(ev, gv):
            sc.add(fld, tp=1)
        else:
            sc.add(fld, fp=1, fn=1)
            sc.errors.append(f"{label} {fld}: got {gv!r}, expected {ev!r} ({g['snippet']})")
    for fld, g in got.items():
        if fld not in exp and fld not in amb:
            sc.add(fld, fp=1)
            sc.errors.append(f"{label} {fld}: got {g.get('value', g.get('value_text'))!r}, key says not stated "
                             f"({g['snippet']})")
    # conflicts the key expects
    if "conflicts" in truth:
        got_c = {c["field"] for c in out.get("conflicts", []) if not c["field"].startswith("projects.")}
        exp_c = set(truth["conflicts"])
        sc.add("conflicts", tp=len(got_c & exp_c), fp=len(got_c - exp_c), fn=len(exp_c - got_c))
        for f in got_c ^ exp_c:
            sc.errors.append(f"{label} conflict {f}: {'unexpected' if f in got_c else 'not reported'}")
    for key, cols in (("line_items", ["class", "section", "item", "code", "amount", "completion_rate"]),
                      ("indicators", ["level1", "level2", "level3", "target_text", "actual_text", "target_value",
                                      "actual_value", "unit"])):
        if key in truth:
            tp, fp, fn, missed = _match_rows(truth[key], out.get(key, []), cols)
            sc.add(key, tp, fp, fn)
            for m in missed[:5]:
                sc.errors.append(f"{label} {key} missed: {m}")
    if "projects" in truth:
        got_p = {project_key(p["project_name"]): p for p in out.get("projects", [])}
        for e in truth["projects"]:
            g = got_p.pop(project_key(e["project_name"]), None)
            for k, v in e.items():
                if k == "project_name":
                    continue
                if g is not None and _same(v, g.get(k)):
                    sc.add("projects", tp=1)
                else:
                    sc.add("projects", fn=1, fp=1 if g is not None and g.get(k) is not None else 0)
                    gv = None if g is None else g.get(k)
                    sc.errors.append(f"{label} project {e['project_name']} {k}: got {gv!r}, expected {v!r}")
            if g is not None:
                for k in ("budget_amount", "executed_amount", "execution_rate", "score", "grade"):
                    if k not in e and g.get(k) is not None and k not in truth.get("project_conflicts", []):
                        sc.add("projects", fp=1)
                        sc.errors.append(f"{label} project {e['project_name']} {k}: got {g.get(k)!r}, not in key")
        for name, g in got_p.items():
            if any(g.get(k) is not None for k in ("budget_amount", "executed_amount", "score", "grade")):
                sc.add("projects", fp=1)
                sc.errors.append(f"{label} unexpected project {name}")
    for key in ("problems", "remedies"):
        if key in truth:
            n_exp = truth[key] if isinstance(truth[key], int) else len(truth[key])
            n_got = len(out.get(key, []))
            sc.add(key, tp=min(n_exp, n_got), fp=max(0, n_got - n_exp), fn=max(0, n_exp - n_got))
            if n_exp != n_got:
                sc.errors.append(f"{label} {key}: {n_got} rows, expected {n_exp}")


def run_samples(samples: Path, expected: Path) -> Score:
    sc = Score()
    for key in sorted(expected.glob("*.json")):
        src = samples / (key.stem + ".txt")
        if not src.exists():
            continue
        truth = json.loads(key.read_text(encoding="utf-8"))
        score_one(extract_file(src), truth, sc, key.stem[:3])
    return sc


def run_corpus(corpus: Path) -> Score:
    sc = Score()
    tdir = corpus / "truth"
    for t in sorted(tdir.glob("*.truth.json")):
        stem = t.name[: -len(".truth.json")]
        srcs = [p for p in corpus.glob(stem + ".*") if p.is_file()]
        if not srcs:
            continue
        truth = json.loads(t.read_text(encoding="utf-8"))
        score_one(extract_file(srcs[0]), truth, sc, stem)
    return sc


def report(sc: Score, out=sys.stdout, errors: bool = True) -> None:
    print(f"{'field':34} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}", file=out)
    for name in sorted(sc.c):
        tp, fp, fn = sc.c[name]
        p, r = Score.pr(tp, fp, fn)
        print(f"{name:34} {tp:4d} {fp:4d} {fn:4d} {p:9.3f} {r:7.3f}", file=out)
    tp, fp, fn = sc.total()
    p, r = Score.pr(tp, fp, fn)
    print(f"{'ALL':34} {tp:4d} {fp:4d} {fn:4d} {p:9.3f} {r:7.3f}", file=out)
    if errors and sc.errors:
        print("\nerrors:", file=out)
        for e in sc.errors:
            print("  " + e, file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path)
    ap.add_argument("--expected", type=Path, default=Path(__file__).resolve().parent.parent / "tests/extract/expected")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--quiet", action="store_true", help="no error listing")
    a = ap.parse_args(argv)
    if a.corpus:
        sc = run_corpus(a.corpus)
    elif a.samples:
        sc = run_samples(a.samples, a.expected)
    else:
        ap.error("give --samples DIR (with --expected) or --corpus DIR")
    report(sc, errors=not a.quiet)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
