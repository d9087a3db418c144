"""Precision / recall of the extractor against answer keys.

    python -m extract.evaluate --samples /work/shared/samples --expected tests/extract/expected
    python -m extract.evaluate --corpus DIR [--corpus DIR2 …] [--json out.json] [--errors 40]

Two kinds of key are read:

* our answer keys for the real samples (tests/extract/expected/<stem>.json): `document`,
  `facts` {field: {value, unit}}, `ambiguous` (fields not scored), `conflicts` {field: [values]},
  `line_items`, `indicators`, `projects`, `problems`/`remedies` (counts);
* the generator's truth (synth): `DIR/inbox/<name>` beside `DIR/truth/<name>.truth.json`
  (`DIR/manifest.jsonl` when present), `facts` a list of {field, value, value_text, …},
  `conflicts` a list of {field, values, as_reported} (either value may be kept).

Scoring, per field (the groups are reported separately):

* document / facts: a right value is a true positive; a wrong value a false positive *and* a
  false negative; a missing value a false negative; a value for a field the key does not state
  (and does not list as ambiguous) a false positive ("spurious");
* line items: rows are matched by amount and (code, or item name); a row of the key whose name
  or code is found with another amount is a wrong value; the matched rows' class / section /
  code / completion rate / budget are scored as `line_items.<attr>`;
* indicators: rows matched by (project, 三级指标 name), then `indicators.<attr>`;
* projects: matched by normalised name, then `projects.<attr>`;
* problems / remedies: counts.

Errors are listed wrong values first (the dangerous ones), then spurious values, conflicts,
rejections, and missing values last.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

from . import extract_file
from .projects import project_key
from .textutil import squeeze

DOC_FIELDS = ("department_name", "province", "city", "county", "division_code", "fiscal_year", "report_type",
              "published_on")
GROUPS = ("document", "facts", "conflicts", "line_items", "indicators", "projects", "findings")
_KIND_ORDER = {"wrong": 0, "spurious": 1, "conflict": 2, "rejected": 3, "missing": 4}
_LI_ATTRS = ("class", "section", "code", "completion_rate", "budget_amount")
_IND_ATTRS = ("level1", "level2", "target_text", "actual_text", "target_value", "actual_value", "unit")
_PROJ_ATTRS = ("budget_amount", "executed_amount", "execution_rate", "score", "grade")


def _same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        tol = 0.5 if max(abs(a), abs(b)) >= 10 else 1e-4
        return abs(float(a) - float(b)) <= tol
    if isinstance(a, str) and isinstance(b, str):
        return squeeze(a) == squeeze(b)
    return a == b


class Err(str):
    """One error line; `kind` (wrong/spurious/conflict/rejected/missing) and `field` sort the listing."""

    kind: str = "wrong"
    field: str = ""

    def __new__(cls, text: str, kind: str, fld: str) -> Err:
        e = super().__new__(cls, text)
        e.kind = kind
        e.field = fld
        return e


def group_of(name: str) -> str:
    if name in DOC_FIELDS:
        return "document"
    head = name.split(".", 1)[0]
    if head in ("line_items", "indicators", "projects", "conflicts"):
        return head
    if head in ("problems", "remedies"):
        return "findings"
    return "facts"


class Score:
    def __init__(self) -> None:
        self.c: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
        self.errors: list[Err] = []
        self.files = 0
        self.seconds = 0.0

    def add(self, name: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        c = self.c[name]
        c[0] += tp
        c[1] += fp
        c[2] += fn

    def err(self, kind: str, fld: str, text: str) -> None:
        self.errors.append(Err(text, kind, fld))

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

    def group_total(self, group: str) -> tuple[int, int, int]:
        return self.total([k for k in self.c if group_of(k) == group])

    def as_dict(self) -> dict:
        out = {"files": self.files, "seconds": round(self.seconds, 2), "fields": {}, "groups": {}}
        for k, (tp, fp, fn) in sorted(self.c.items()):
            p, r = self.pr(tp, fp, fn)
            out["fields"][k] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4), "recall": round(r, 4)}
        for g in (*GROUPS, None):
            tp, fp, fn = self.group_total(g) if g else self.total()
            p, r = self.pr(tp, fp, fn)
            out["groups"][g or "all"] = {"tp": tp, "fp": fp, "fn": fn, "precision": round(p, 4),
                                         "recall": round(r, 4)}
        out["error_counts"] = {f"{k}:{f}": n for (k, f), n in
                               Counter((e.kind, e.field) for e in self.errors).most_common()}
        return out


# ---------------------------------------------------------------- keys of both shapes

def _facts_of(truth: dict) -> dict:
    """{field: {value, value_text, alts}}; alts are the values of a conflict (any may be kept)."""
    f = truth.get("facts", {})
    if isinstance(f, list):
        out = {x["field"]: {"value": x.get("value"), "value_text": x.get("value_text")} for x in f}
    else:
        out = {k: dict(v) for k, v in f.items()}
    for fld, vals in _conflicts_of(truth).items():
        if fld in out:
            out[fld]["alts"] = vals
    return out


def _conflicts_of(truth: dict) -> dict:
    c = truth.get("conflicts", {})
    if isinstance(c, list):
        return {x["field"]: list(x.get("values", [])) for x in c}
    return dict(c)


def _val(d: dict | None):
    if d is None:
        return None
    return d.get("value_text") if d.get("value_text") is not None else d.get("value")


def _short(v) -> str:
    s = repr(v)
    return s if len(s) <= 90 else s[:87] + "…"


# ---------------------------------------------------------------- scoring

def _score_document(out: dict, truth: dict, sc: Score, label: str) -> None:
    doc = out.get("document") or {}
    for k in DOC_FIELDS:
        if k not in truth.get("document", {}):
            continue
        e, g = truth["document"][k], doc.get(k)
        if e is None and g is None:
            continue
        if e is None:
            sc.add(k, fp=1)
            sc.err("spurious", k, f"{label} {k}: got {g!r}, key says not stated")
        elif _same(e, g):
            sc.add(k, tp=1)
        elif g is None:
            sc.add(k, fn=1)
            sc.err("missing", k, f"{label} {k}: missing, expected {e!r}")
        else:
            sc.add(k, fp=1, fn=1)
            sc.err("wrong", k, f"{label} {k}: got {g!r}, expected {e!r}")


def _score_facts(out: dict, truth: dict, sc: Score, label: str) -> None:
    exp = _facts_of(truth)
    amb = set(truth.get("ambiguous", []))
    got = {f["field"]: f for f in out.get("facts", [])}
    for fld, e in exp.items():
        g = got.get(fld)
        ev = _val(e)
        gv = _val(g)
        if g is None:
            sc.add(fld, fn=1)
            sc.err("missing", fld, f"{label} {fld}: missing, expected {ev!r}")
        elif _same(ev, gv) or any(_same(a, gv) for a in e.get("alts", [])) or _within_printed(g, ev):
            sc.add(fld, tp=1)
        else:
            sc.add(fld, fp=1, fn=1)
            sc.err("wrong", fld, f"{label} {fld}: got {gv!r}, expected {ev!r} ({g.get('snippet')})")
    for fld, g in got.items():
        if fld not in exp and fld not in amb:
            sc.add(fld, fp=1)
            sc.err("spurious", fld, f"{label} {fld}: got {_val(g)!r}, key says not stated ({g.get('snippet')})")


def _within_printed(g: dict, ev) -> bool:
    """A coarser printing of the same value (2.48亿元 for 247586200.00): right within the precision
    it was printed with (fields.md §5.5)."""
    from .numbers import tolerance

    gv, ar = g.get("value"), str(g.get("as_reported") or "")
    if not isinstance(gv, (int, float)) or not isinstance(ev, (int, float)) or not re.fullmatch(r"[\d.,\s]+", ar):
        return False
    dec = len(ar.split(".", 1)[1].strip()) if "." in ar else 0
    return abs(float(gv) - float(ev)) <= tolerance(dec, g.get("unit_as_reported")) + 1e-6


def _score_conflicts(out: dict, truth: dict, sc: Score, label: str) -> None:
    if "conflicts" not in truth:
        return
    got_c = {c["field"]: c for c in out.get("conflicts", []) if not c["field"].startswith("projects.")}
    exp_c = _conflicts_of(truth)
    for f in sorted(set(got_c) | set(exp_c)):
        if f in got_c and f in exp_c:
            sc.add("conflicts", tp=1)
        elif f in got_c:
            sc.add("conflicts", fp=1)
            sc.err("conflict", "conflicts", f"{label} conflict {f}: unexpected {got_c[f]['values']} "
                                            f"({' | '.join(got_c[f].get('snippets', [])[:2])})")
        else:
            sc.add("conflicts", fn=1)
            sc.err("missing", "conflicts", f"{label} conflict {f}: not reported {exp_c[f]}")


def _norm_name(s) -> str:
    if not s:
        return ""
    return re.sub(r"[\s()（）]", "", squeeze(str(s)))


def _attrs(sc: Score, prefix: str, attrs, e: dict, g: dict, label: str, what: str) -> None:
    for k in attrs:
        if k not in e:
            continue
        ev, gv = e.get(k), g.get(k)
        name = f"{prefix}.{k}"
        if ev is None and gv is None:
            continue
        if ev is None:
            sc.add(name, fp=1)
            sc.err("spurious", name, f"{label} {what} {k}: got {gv!r}, key says none")
        elif gv is None:
            sc.add(name, fn=1)
            sc.err("missing", name, f"{label} {what} {k}: missing, expected {ev!r}")
        elif _same(ev, gv):
            sc.add(name, tp=1)
        else:
            sc.add(name, fp=1, fn=1)
            sc.err("wrong", name, f"{label} {what} {k}: got {gv!r}, expected {ev!r}")


def _score_line_items(out: dict, truth: dict, sc: Score, label: str) -> None:
    if "line_items" not in truth:
        return
    exp = list(truth["line_items"])
    got = list(out.get("line_items", []))
    used = [False] * len(got)
    pairs: list[tuple[dict, dict]] = []
    left: list[dict] = []

    def same_line(e: dict, g: dict) -> bool:
        if e.get("code") and g.get("code") and e["code"] == g["code"]:
            return True
        return bool(_norm_name(e.get("item"))) and _norm_name(e.get("item")) == _norm_name(g.get("item"))

    for e in exp:  # pass 1: same line and same amount
        for i, g in enumerate(got):
            if not used[i] and _same(e.get("amount"), g.get("amount")) and same_line(e, g):
                used[i] = True
                pairs.append((e, g))
                break
        else:
            left.append(e)
    for e in left:  # pass 2: the line is there with another amount → a wrong value
        for i, g in enumerate(got):
            if not used[i] and same_line(e, g):
                used[i] = True
                sc.add("line_items", fp=1, fn=1)
                sc.err("wrong", "line_items", f"{label} line item {e.get('item')}: amount {g.get('amount')!r}, "
                                              f"expected {e.get('amount')!r} ({g.get('snippet')})")
                break
        else:
            sc.add("line_items", fn=1)
            sc.err("missing", "line_items", f"{label} line item missed: {e.get('code')} {e.get('item')} "
                                            f"{e.get('amount')}")
    for i, g in enumerate(got):
        if not used[i]:
            sc.add("line_items", fp=1)
            sc.err("spurious", "line_items", f"{label} line item not in key: {g.get('item')} {g.get('amount')} "
                                             f"({g.get('snippet')})")
    for e, g in pairs:
        sc.add("line_items", tp=1)
        _attrs(sc, "line_items", _LI_ATTRS, e, g, label, f"line item {e.get('item')}")


def _score_indicators(out: dict, truth: dict, sc: Score, label: str) -> None:
    if "indicators" not in truth:
        return
    got = list(out.get("indicators", []))
    used = [False] * len(got)
    for e in truth["indicators"]:
        name = _norm_name(e.get("level3"))
        best = None
        for i, g in enumerate(got):
            if used[i] or _norm_name(g.get("level3")) != name:
                continue
            if best is None:
                best = i
            # prefer the row that agrees on the texts (an indicator name may repeat across projects)
            if _same(e.get("target_text"), g.get("target_text")) and _same(e.get("actual_text"),
                                                                           g.get("actual_text")):
                best = i
                break
        if best is None:
            sc.add("indicators", fn=1)
            sc.err("missing", "indicators", f"{label} indicator missed: {e.get('level3')} "
                                            f"{e.get('target_text')} / {e.get('actual_text')}")
            continue
        used[best] = True
        sc.add("indicators", tp=1)
        _attrs(sc, "indicators", _IND_ATTRS, e, got[best], label, f"indicator {e.get('level3')}")
    for i, g in enumerate(got):
        if not used[i]:
            sc.add("indicators", fp=1)
            sc.err("spurious", "indicators", f"{label} indicator not in key: {g.get('level3')} "
                                             f"({g.get('snippet')})")


def _score_projects(out: dict, truth: dict, sc: Score, label: str) -> None:
    if "projects" not in truth:
        return
    got_p = {project_key(p["project_name"]): p for p in out.get("projects", [])}
    pconf = set(truth.get("project_conflicts", []))
    for e in truth["projects"]:
        g = got_p.pop(project_key(e["project_name"]), None)
        if g is None:
            sc.add("projects", fn=1)
            sc.err("missing", "projects", f"{label} project missed: {e['project_name']}")
            for k in _PROJ_ATTRS:
                if e.get(k) is not None:
                    sc.add(f"projects.{k}", fn=1)
            continue
        sc.add("projects", tp=1)
        attrs = [k for k in _PROJ_ATTRS if k not in pconf]
        full = {k: e.get(k) for k in attrs}  # a key row states every attribute (absent = not printed)
        _attrs(sc, "projects", attrs, full, g, label, f"project {e['project_name']}")
    for name, g in got_p.items():
        if any(g.get(k) is not None for k in _PROJ_ATTRS):
            sc.add("projects", fp=1)
            sc.err("spurious", "projects", f"{label} unexpected project {name} ({g.get('snippet')})")


def _score_findings(out: dict, truth: dict, sc: Score, label: str) -> None:
    for key in ("problems", "remedies"):
        if key in truth:
            n_exp = truth[key] if isinstance(truth[key], int) else len(truth[key])
            n_got = len(out.get(key, []))
            sc.add(key, tp=min(n_exp, n_got), fp=max(0, n_got - n_exp), fn=max(0, n_exp - n_got))
            if n_exp != n_got:
                sc.err("spurious" if n_got > n_exp else "missing", key, f"{label} {key}: {n_got} rows, "
                                                                        f"expected {n_exp}")


def score_one(out: dict, truth: dict, sc: Score, label: str) -> None:
    if out.get("status") != "ok":
        sc.err("rejected", "status", f"{label} rejected: {out.get('reason')}")
    _score_document(out, truth, sc, label)
    _score_facts(out, truth, sc, label)
    _score_conflicts(out, truth, sc, label)
    _score_line_items(out, truth, sc, label)
    _score_indicators(out, truth, sc, label)
    _score_projects(out, truth, sc, label)
    _score_findings(out, truth, sc, label)


# ---------------------------------------------------------------- runs

def run_samples(samples: Path, expected: Path) -> Score:
    sc = Score()
    for key in sorted(expected.glob("*.json")):
        src = samples / (key.stem + ".txt")
        if not src.exists():
            continue
        truth = json.loads(key.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        out = extract_file(src)
        sc.seconds += time.perf_counter() - t0
        sc.files += 1
        score_one(out, truth, sc, key.stem[:3])
    return sc


def corpus_pairs(corpus: Path) -> list[tuple[Path, Path]]:
    """(report, truth) pairs of a synth corpus: manifest.jsonl, else inbox/ + truth/, else flat."""
    pairs: list[tuple[Path, Path]] = []
    man = corpus / "manifest.jsonl"
    if man.exists():
        for line in man.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                pairs.append((corpus / row["file"], corpus / row["truth"]))
        return pairs
    tdir = corpus / "truth"
    inbox = corpus / "inbox" if (corpus / "inbox").is_dir() else corpus
    for t in sorted(tdir.glob("*.truth.json")):
        name = t.name[: -len(".truth.json")]
        src = inbox / name
        if not src.is_file():  # older layout: truth named by stem
            srcs = sorted(p for p in inbox.glob(name + ".*") if p.is_file())
            if not srcs:
                continue
            src = srcs[0]
        pairs.append((src, t))
    return pairs


def run_corpus(corpus: Path, sc: Score | None = None, limit: int | None = None) -> Score:
    sc = sc or Score()
    for src, t in corpus_pairs(corpus)[:limit]:
        truth = json.loads(t.read_text(encoding="utf-8"))
        t0 = time.perf_counter()
        out = extract_file(src)
        sc.seconds += time.perf_counter() - t0
        sc.files += 1
        score_one(out, truth, sc, src.name)
    return sc


def report(sc: Score, out=sys.stdout, errors: bool = True, max_errors: int = 40) -> None:
    rate = f", {sc.files / sc.seconds:.0f} files/s" if sc.seconds else ""
    print(f"{sc.files} files{rate}", file=out)
    print(f"{'field':34} {'tp':>6} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7}", file=out)
    for g in GROUPS:
        names = sorted(k for k in sc.c if group_of(k) == g)
        if not names:
            continue
        for name in names:
            tp, fp, fn = sc.c[name]
            p, r = Score.pr(tp, fp, fn)
            print(f"  {name:32} {tp:6d} {fp:5d} {fn:5d} {p:9.3f} {r:7.3f}", file=out)
        tp, fp, fn = sc.group_total(g)
        p, r = Score.pr(tp, fp, fn)
        print(f"{'[' + g + ']':34} {tp:6d} {fp:5d} {fn:5d} {p:9.3f} {r:7.3f}", file=out)
    tp, fp, fn = sc.total()
    p, r = Score.pr(tp, fp, fn)
    print(f"{'ALL':34} {tp:6d} {fp:5d} {fn:5d} {p:9.3f} {r:7.3f}", file=out)
    if not (errors and sc.errors):
        return
    counts = Counter((e.kind, e.field) for e in sc.errors)
    print("\nerror counts (kind, field):", file=out)
    for (k, f), n in sorted(counts.items(), key=lambda x: (_KIND_ORDER.get(x[0][0], 9), -x[1])):
        print(f"  {k:9} {f:34} {n}", file=out)
    print(f"\nworst errors (wrong values first; at most {max_errors} per kind):", file=out)
    shown: Counter = Counter()
    for e in sorted(sc.errors, key=lambda e: _KIND_ORDER.get(e.kind, 9)):
        if shown[e.kind] >= max_errors:
            continue
        shown[e.kind] += 1
        print(f"  [{e.kind}] {e}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m extract.evaluate", description=__doc__.split("\n")[0])
    ap.add_argument("--samples", type=Path)
    ap.add_argument("--expected", type=Path, default=Path(__file__).resolve().parent.parent / "tests/extract/expected")
    ap.add_argument("--corpus", type=Path, action="append", help="a synth output directory (repeatable)")
    ap.add_argument("--limit", type=int, help="at most this many files per corpus")
    ap.add_argument("--errors", type=int, default=40, help="errors listed per kind")
    ap.add_argument("--json", type=Path, help="also write the numbers as JSON here")
    ap.add_argument("--quiet", action="store_true", help="no error listing")
    a = ap.parse_args(argv)
    if a.corpus:
        sc = Score()
        for c in a.corpus:
            run_corpus(c, sc, a.limit)
    elif a.samples:
        sc = run_samples(a.samples, a.expected)
    else:
        ap.error("give --samples DIR (with --expected) or --corpus DIR")
    report(sc, errors=not a.quiet, max_errors=a.errors)
    if a.json:
        a.json.write_text(json.dumps(sc.as_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
