"""Real county-level units and function-classification codes, read from synth/data/.

The CSVs are trimmed copies of /work/shared/reference files (see synth/README.md) so the
generator does not depend on anything outside the package at run time.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).parent / "data"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


@dataclass(frozen=True)
class County:
    """A GB/T 2260 county-level unit (2024)."""

    code: str
    name: str
    county_type: str
    province: str
    prefecture: str | None


@dataclass(frozen=True)
class FuncCode:
    """One row of the 支出功能分类 (class/section/item)."""

    code: str
    level: str
    name: str
    parent: str


@functools.lru_cache(maxsize=1)
def counties() -> tuple[County, ...]:
    """All usable county-level units; direct-administered ones without a prefecture are skipped
    unless they sit in a municipality (whose city is then the municipality itself)."""
    out = []
    with open(DATA / "counties.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            pref = r["prefecture"] or None
            if pref is None:
                if r["province"] not in MUNICIPALITIES:
                    continue
                pref = r["province"]
            out.append(County(r["code"], r["name"], r["county_type"], r["province"], pref))
    return tuple(out)


@functools.lru_cache(maxsize=1)
def func_codes() -> dict[str, FuncCode]:
    """Function classification codes by code."""
    with open(DATA / "function_codes.csv", encoding="utf-8", newline="") as f:
        return {r["code"]: FuncCode(r["code"], r["level"], r["name"], r["parent_code"]) for r in csv.DictReader(f)}


@functools.cache
def items_under(section: str) -> tuple[FuncCode, ...]:
    """Item (项) rows of one section (款), in code order."""
    return tuple(sorted((c for c in func_codes().values() if c.level == "item" and c.parent == section),
                        key=lambda c: c.code))
