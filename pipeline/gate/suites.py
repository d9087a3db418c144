"""Reading the expectation suites from `expectations/` (no GX import here).

The suite files are the reviewable source of every threshold. This module only reads them,
checks that each expectation carries the gate's metadata, and resolves the few parameters that
depend on the day the gate runs (the current year).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SEVERITIES = ("critical", "warning", "info")

#: Suites run by `validate_batch` and `audit_marts`, in order.
INCOMING_SUITES = ("incoming_documents", "incoming_facts", "incoming_consistency")
MARTS_SUITES = ("marts_dim_document", "marts_fct_reported_value")


def expectations_dir() -> Path:
    """Where the suite files live: `$FISCAL_EXPECTATIONS_DIR`, else `<repo>/expectations`.

    The override exists because a wheel install does not carry the repo's top-level folders.
    """
    override = os.environ.get("FISCAL_EXPECTATIONS_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[2] / "expectations"


@dataclass(frozen=True)
class Suite:
    """One suite file: GX's own JSON shape plus the gate's `meta` conventions."""

    name: str
    stage: str
    frame: str
    parameters: dict[str, Any]
    expectations: list[dict[str, Any]]
    raw: dict[str, Any]
    directory: Path

    def gx_dict(self) -> dict[str, Any]:
        """The suite as GX wants it: severity copied from meta into GX's native field, the
        description into `notes` so Data Docs show why each expectation exists."""
        data = copy.deepcopy(self.raw)
        for exp in data["expectations"]:
            exp["severity"] = exp["meta"]["severity"]
            exp.setdefault("notes", exp["meta"]["description"])
        return data


class SuiteError(ValueError):
    """A suite file is malformed; raised at load time so a bad edit fails loudly, not silently."""


def load_suite(name: str, directory: Path | None = None) -> Suite:
    """Read and check one suite file (`<name>.json`)."""
    directory = directory or expectations_dir()
    path = directory / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("name") != name:
        raise SuiteError(f"{path}: name {data.get('name')!r} must equal the file stem {name!r}")
    meta = data.get("meta") or {}
    seen: set[str] = set()
    for i, exp in enumerate(data.get("expectations") or []):
        m = exp.get("meta") or {}
        where = f"{path}: expectation #{i} ({exp.get('type')})"
        if m.get("severity") not in SEVERITIES:
            raise SuiteError(f"{where}: meta.severity must be one of {SEVERITIES}, got {m.get('severity')!r}")
        if not m.get("name") or not m.get("description"):
            raise SuiteError(f"{where}: meta.name and meta.description are required")
        if m["name"] in seen:
            raise SuiteError(f"{where}: duplicate meta.name {m['name']!r}")
        seen.add(m["name"])
    return Suite(
        name=name,
        stage=meta.get("stage", "incoming"),
        frame=meta.get("frame", name),
        parameters=dict(meta.get("parameters") or {}),
        expectations=list(data.get("expectations") or []),
        raw=data,
        directory=directory,
    )


def resolve_parameters(suite: Suite, today: dt.date | None = None) -> dict[str, Any]:
    """Values for `{"$PARAMETER": name}` kwargs.

    A parameter given as `{"current_year_plus": n}` becomes today's year + n, so the year range
    "1990 .. current year + 1" is written once in the suite and never goes stale.
    """
    year = (today or dt.date.today()).year
    out: dict[str, Any] = {}
    for key, value in suite.parameters.items():
        if isinstance(value, dict) and "current_year_plus" in value:
            out[key] = year + int(value["current_year_plus"])
        else:
            out[key] = value
    return out


def resolved_kwargs(exp: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """An expectation's kwargs with `$PARAMETER` references replaced by their values."""
    out: dict[str, Any] = {}
    for key, value in exp.get("kwargs", {}).items():
        if isinstance(value, dict) and "$PARAMETER" in value:
            out[key] = params[value["$PARAMETER"]]
        else:
            out[key] = value
    return out


def grade_bands(suite: Suite) -> list[tuple[str, float, float]]:
    """(grade, min_inclusive, max_exclusive) rows of the grade-band file named by the suite."""
    path = suite.directory / suite.parameters["grade_bands_file"]
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            (row["grade"], float(row["min_score_inclusive"]), float(row["max_score_exclusive"]))
            for row in csv.DictReader(handle)
        ]
