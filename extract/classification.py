"""政府收支分类科目 (function classification) lookup for printed 类/款/项 names.

Why so strict: the reference table is partial and many codes in it are unverified. A code is
filled only when the printed class, section and item names all match one chain of rows and the
item row's verification is one we trust (see extract/data/README.md and shared/reference).
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# rows whose code may be emitted when the three printed names match (reference README:
# "unverified" rows are hints only)
TRUSTED = {"code_and_name_seen_in_source", "name_seen_in_source_code_unverified", "seen_in_2plus_sources"}


@lru_cache(maxsize=1)
def _tables():
    rows = {}
    children: dict[tuple[str, str], dict] = {}
    classes: dict[str, dict] = {}
    with open(DATA / "gov_function_classification_2024.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            rows[r["code"]] = r
            if r["level"] == "class":
                classes[r["name"]] = r
            else:
                children[(r["parent_code"], r["name"])] = r
    aliases: dict[str, str] = {}
    with open(DATA / "gov_function_classification_aliases.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            aliases[r["old_name"]] = r["code"]
    return rows, classes, children, aliases


def _class_code(name: str) -> str | None:
    rows, classes, _, aliases = _tables()
    for cand in (name, name + "支出"):
        if cand in classes:
            return classes[cand]["code"]
        if cand in aliases and aliases[cand] in rows and rows[aliases[cand]]["level"] == "class":
            return aliases[cand]
    return None


def resolve_code(class_name: str | None, section: str | None, item: str | None) -> str | None:
    """7-digit code when class+section+item match a trusted chain, else None."""
    if not (class_name and section and item):
        return None
    rows, _, children, aliases = _tables()
    cc = _class_code(class_name)
    if cc is None:
        return None
    sec = children.get((cc, section))
    if sec is None and section in aliases and rows.get(aliases[section], {}).get("parent_code") == cc:
        sec = rows[aliases[section]]
    if sec is None:
        return None
    it = children.get((sec["code"], item))
    if it is None or it["verification"] not in TRUSTED:
        return None
    return it["code"]


def name_of(code: str) -> tuple[str | None, str | None, str | None]:
    """(class, section, item) names of a printed code, as far as the table knows them."""
    rows, _, _, _ = _tables()
    out: list[str | None] = [None, None, None]
    for n, lvl in ((3, 0), (5, 1), (7, 2)):
        if len(code) >= n and code[:n] in rows:
            out[lvl] = rows[code[:n]]["name"]
    return out[0], out[1], out[2]


def official_class_name(name: str | None) -> str | None:
    """The classification's own name of a printed 类 name (教育 → 教育支出, 农林水 → 农林水支出).

    Only when the printed name, or the printed name + 支出, is a class row of the table; else the
    printed name unchanged.
    """
    if not name:
        return name
    _rows, classes, _, _ = _tables()
    if name in classes:
        return name
    if name + "支出" in classes:
        return name + "支出"
    return name


def code_matches_names(code: str, class_name: str | None, section: str | None, item: str | None) -> bool:
    """A printed 7-digit code whose table names (where known) agree with the printed names."""
    c, s, i = name_of(code)
    for known, printed in ((c, official_class_name(class_name)), (s, section), (i, item)):
        if known and printed and known != printed:
            return False
    return True
