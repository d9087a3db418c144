"""The label catalogue (extract/data/labels.yaml) compiled into one scanner.

Why one compiled alternation: the extractor must run at hundreds of reports per second, so all
labels of all fields are found in a single left-to-right pass (longest label first at each
position), and words that decide scope are compiled once too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .textutil import fold

DATA = Path(__file__).resolve().parent / "data"
_QUOTES = "“”\"「」‘’'"


@dataclass
class FieldSpec:
    name: str
    kind: str
    labels: list[str]
    regex: list[str] = field(default_factory=list)
    units: list[str] = field(default_factory=list)
    budget_field: str | None = None
    executed_field: str | None = None
    reject_under: list[str] = field(default_factory=list)
    scope: str | None = None
    prefer_total: bool = False
    report_types: list[str] | None = None
    grade_words: dict[str, str] = field(default_factory=dict)
    owner_check: bool = False


@dataclass
class Catalog:
    fields: dict[str, FieldSpec]
    rules: dict
    scanner: re.Pattern[str]
    regex_scanner: re.Pattern[str] | None
    regex_alternatives: list[tuple[str, re.Pattern[str]]]  # (group, pattern) in the scanner's order
    group_fields: dict[str, list[str]]  # canonical label or regex group → fields ([] for distractors)
    label_of_group: dict[str, str]
    change_re: re.Pattern[str]
    share_re: re.Pattern[str]
    budget_re: re.Pattern[str]
    other_year_re: re.Pattern[str]
    per_re: re.Pattern[str]
    executed_re: re.Pattern[str]
    sentence_budget_re: re.Pattern[str]
    sentence_executed_re: re.Pattern[str]
    department_re: re.Pattern[str]
    subscope_re: re.Pattern[str]
    total_re: re.Pattern[str]
    # the fields of a label as printed (quotes, spaces), filled as labels are met
    fields_of_match: dict[str, list[str]] = field(default_factory=dict)


def _label_pattern(label: str) -> str:
    """A literal label as regex: quotes optional, spaces optional, full-width folded."""
    out = []
    for ch in fold(label):
        if ch in _QUOTES:
            out.append(f"[{re.escape(_QUOTES)}]?")
        elif ch.isspace():
            out.append(r"\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_CANON = str.maketrans("", "", _QUOTES + " \t\n")
_NEEDS_CANON = re.compile("[" + re.escape(_QUOTES) + "\\s]")


@lru_cache(maxsize=8192)
def canon(label: str) -> str:
    """A label as looked up: folded, without quotes and spaces."""
    label = fold(label)
    return label.translate(_CANON) if _NEEDS_CANON.search(label) else label


def label_matches(cat: Catalog, text: str) -> list[tuple[int, int, list[str]]]:
    """Non-overlapping label matches, left to right (the longest at a position)."""
    memo = cat.fields_of_match
    found = []
    for m in cat.scanner.finditer(text):
        printed = m.group(0)
        fields = memo.get(printed)
        if fields is None:
            fields = memo[printed] = cat.group_fields.get(canon(printed), [])
        found.append((m.start(), m.end(), fields))
    if cat.regex_scanner is not None:
        extra = [(m.start(), m.end(), cat.group_fields[_regex_group(cat, text, m)])
                 for m in cat.regex_scanner.finditer(text)]
        if extra:
            found = sorted(found + extra, key=lambda x: (x[0], -x[1]))
            kept: list[tuple[int, int, list[str]]] = []
            for f in found:
                if kept and f[0] < kept[-1][1]:
                    continue
                kept.append(f)
            found = kept
    return found


_OPTIONAL_HEAD = re.compile(r"\(\?:([\u4e00-\u9fff]+)\)\?(.*)", re.S)


def _regex_group(cat: Catalog, text: str, m: re.Match[str]) -> str:
    """The regex label a scanner match belongs to: the first alternative matching there."""
    for group, rx in cat.regex_alternatives:
        if rx.match(text, m.start()) is not None:
            return group
    raise AssertionError(f"no regex label matches {m.group(0)!r} again")  # pragma: no cover


def _trie_pattern(labels: list[str]) -> str:
    """Literal labels as one trie-shaped regex (shared prefixes factored out, longest first).

    The regex engine tries alternatives one by one; a trie makes each text position cost the
    depth of the trie instead of the number of labels.
    """
    trie: dict = {}
    opening = "".join(sorted({lab[0] for lab in labels if lab and lab[0] in _QUOTES}))
    for variant in (v for lab in labels for v in _opening_variants(lab, opening)):
        node = trie
        for i, ch in enumerate(variant):
            # an optional quote inside a label; at the start the variants spell it out
            key = ("Q" if i else ch) if ch in _QUOTES else ("S" if ch.isspace() else ch)
            node = node.setdefault(key, {})
        node[""] = {}

    def emit(node: dict) -> str:
        alts = []
        end = "" in node
        for key in _alternative_order(node):
            tok = f"[{re.escape(_QUOTES)}]?" if key == "Q" else (r"\s*" if key == "S" else re.escape(key))
            alts.append(tok + emit(node[key]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        # greedy: a longer label wins; the empty alternative (a label ends here) comes last
        return f"(?:{body})?" if end else body

    return emit(trie)


def _opening_variants(label: str, opening: str) -> list[str]:
    """An optional opening quote spelled out (“三公”经费 and 三公”经费; `opening` holds the quotes
    labels open with): every alternative of the scanner then opens with a literal character,
    which lets the regex engine skip to the positions where one of them stands instead of
    trying every position."""
    if not label or label[0] not in _QUOTES:
        return [label]
    rest = _opening_variants(label[1:], opening)
    return [q + r for q in opening for r in rest] + rest


# Characters that open labels, most frequent in report text first (counted over the sample
# reports and 200 generated ones). The engine tries a trie node's alternatives in order, so trying
# 支 and 预 before 综 and 附 saves most of the failed attempts; only speed depends on this order.
_FREQUENT_FIRST = "支预年公政项本行收部一财经人资基共其事三工运绩机保总评车上国实自社整对接在日因编得当核综现附商外最"
_RANK = {ch: i for i, ch in enumerate(_FREQUENT_FIRST)}


def _reachable(node: dict) -> set[str]:
    """Characters a node's alternatives can start with (through optional quotes and spaces)."""
    out: set[str] = set()
    for key, child in node.items():
        if key == "Q":
            out.update(_QUOTES)
            out |= _reachable(child)
        elif key == "S":
            out.update(" \t\n\u3000")
            out |= _reachable(child)
        elif key:
            out.add(key)
    return out


def _alternative_order(node: dict) -> list[str]:
    """Deepest first (a longer label wins), except that literal keys no optional quote or space
    alternative can compete with go first in order of frequency: at a position only one of them
    can match, so their order changes nothing but the time spent on failed attempts."""
    keys = sorted((k for k in node if k), key=lambda k: -_depth(node[k]))
    contested: set[str] = set()
    for k in keys:
        if k in ("Q", "S"):
            contested |= _reachable(node[k])
    free = [k for k in keys if k not in ("Q", "S") and k not in contested and k not in _QUOTES]
    free.sort(key=lambda k: _RANK.get(k, len(_RANK)))
    return free + [k for k in keys if k not in free]


def _depth(node: dict) -> int:
    return 1 + max((_depth(v) for v in node.values()), default=0)


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(fold(w)) for w in sorted(words, key=len, reverse=True)))


@lru_cache(maxsize=1)
def catalog() -> Catalog:
    with open(DATA / "labels.yaml", encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    rules = raw["_rules"]
    fields: dict[str, FieldSpec] = {}
    for name, spec in raw["fields"].items():
        fields[name] = FieldSpec(
            name=name,
            kind=spec["kind"],
            labels=list(spec.get("labels", [])),
            regex=list(spec.get("regex", [])),
            units=list(spec.get("units", [])),
            budget_field=spec.get("budget_field"),
            executed_field=spec.get("executed_field"),
            reject_under=list(spec.get("reject_under", [])),
            scope=spec.get("scope"),
            prefer_total=bool(spec.get("prefer_total", False)),
            report_types=spec.get("report_types"),
            grade_words=dict(spec.get("grade_words", {})),
            owner_check=bool(spec.get("owner_check", False)),
        )
    # literal label → fields (one label may serve several fields; the unit decides)
    by_label: dict[str, list[str]] = {}
    for f in fields.values():
        for lab in f.labels:
            by_label.setdefault(lab, []).append(f.name)
    for lab in raw.get("_distractors", []):
        by_label.setdefault(lab, [])
    # one alternation without groups (named groups defeat the regex engine's prefix scan) whose
    # alternatives all open with a literal character; the matched text, without quotes and
    # spaces, finds the fields again
    literal = sorted(by_label, key=len, reverse=True)
    scanner = re.compile(_trie_pattern([fold(lab) for lab in literal]))
    group_fields: dict[str, list[str]] = {canon(lab): fs for lab, fs in by_label.items()}
    label_of_group: dict[str, str] = {canon(lab): lab for lab in by_label}
    regex_alternatives: list[tuple[str, re.Pattern[str]]] = []
    for f in fields.values():
        for i, rx in enumerate(f.regex):
            g = f"R_{f.name}_{i}"
            group_fields[g] = [f.name]
            label_of_group[g] = rx
            # an optional opening word spelled out ((?:共)?设… → 共设…, then 设…): every alternative
            # then opens with a literal character, and the engine skips to where one of them stands
            m = _OPTIONAL_HEAD.fullmatch(rx)
            for variant in ([m.group(1) + m.group(2), m.group(2)] if m else [rx]):
                regex_alternatives.append((g, re.compile(variant)))
    # one scan without groups (a group in front of each alternative defeats that skip); which
    # alternative matched is found again at the match (the first that matches there, as in the scan)
    regex_scanner = (re.compile("|".join(f"(?:{p.pattern})" for _, p in regex_alternatives))
                     if regex_alternatives else None)
    return Catalog(
        fields=fields,
        rules=rules,
        scanner=scanner,
        regex_scanner=regex_scanner,
        regex_alternatives=regex_alternatives,
        group_fields=group_fields,
        label_of_group=label_of_group,
        change_re=_words(rules["change_words"]),
        share_re=_words(rules["share_words"]),
        budget_re=_words(rules["budget_words"]),
        other_year_re=_words(rules["other_year_words"]),
        per_re=_words(rules["per_words"]),
        executed_re=re.compile(
            r"\s*(?:万元|元|亿元)?\s*[,、]\s*(?:" + "|".join(map(re.escape, rules["executed_words"])) + r")"
            r"(?:数|金额)?\s*(?:为|是|:)?\s*"
        ),
        sentence_budget_re=re.compile(rules["sentence_budget_regex"]),
        sentence_executed_re=re.compile(rules["sentence_executed_regex"]),
        department_re=_words(rules["department_words"]),
        subscope_re=_words(rules["subscope_words"]),
        total_re=_words(rules["total_words"]),
    )
