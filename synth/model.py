"""The report model: blocks of printed text that carry what they state.

Each block remembers the facts, line items, indicators … it prints, so the ground truth
is assembled from the blocks that survive damage (rule 3: printed, not derived).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

REPORT_TYPES = ("final_accounts", "budget", "performance_evaluation")
MONEY_UNITS = ("元", "万元", "亿元")


@dataclass
class Mention:
    """One printed value of a scalar field."""

    field: str
    value: float | int | None
    as_reported: str
    unit: str | None = None
    value_text: str | None = None
    conflict: bool = False


@dataclass
class Block:
    """A heading, paragraph or table of the report, with what it states."""

    kind: str  # heading | para | table
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    level: int = 1
    mentions: list[Mention] = field(default_factory=list)
    line_items: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    remedies: list[str] = field(default_factory=list)
    doc_fields: dict[str, Any] = field(default_factory=dict)
    role: str = ""  # e.g. "title", "ad", "gloss"; informational only

    def copy(self) -> Block:
        """A copy sharing no mutable object with this block (all values are flat: str, number, None)."""
        return Block(self.kind, self.text, [list(r) for r in self.rows], self.level,
                     [copy.copy(m) for m in self.mentions], [dict(d) for d in self.line_items],
                     [dict(d) for d in self.indicators], [dict(d) for d in self.projects], list(self.problems),
                     list(self.remedies), dict(self.doc_fields), self.role)

    def all_text(self) -> str:
        """The block's text including table cells (for presence checks)."""
        if self.kind == "table":
            return "\n".join("\t".join(r) for r in self.rows)
        return self.text


@dataclass
class Report:
    """A generated report: document identity, printed blocks and render hints."""

    seed: int | str
    report_type: str
    document: dict[str, Any]
    blocks: list[Block]
    style: dict[str, Any] = field(default_factory=dict)
    damage: list[str] = field(default_factory=list)
    script: str = "simplified"
    name: str = ""

    def clone(self) -> Report:
        """Deep copy, so damage never changes the undamaged original.

        Written out instead of copy.deepcopy (which took a third of the time of a damaged report):
        every value below the containers is flat (str, number, None).
        """
        return Report(self.seed, self.report_type, dict(self.document), [b.copy() for b in self.blocks],
                      dict(self.style), list(self.damage), self.script, self.name)

    @property
    def title(self) -> str:
        for b in self.blocks:
            if b.role == "title":
                return b.text
        return ""

    def text(self) -> str:
        """Plain simplified text of the report (tables as tab-joined rows); used by tests."""
        return "\n".join(b.all_text() for b in self.blocks)

    def truth(self) -> dict[str, Any]:
        """Ground truth in the fields.md §7 shape, built from the printed blocks only."""
        facts: dict[str, dict[str, Any]] = {}
        conflicts: dict[str, dict[str, Any]] = {}
        line_items: list[dict[str, Any]] = []
        indicators: list[dict[str, Any]] = []
        projects: list[dict[str, Any]] = []
        problems: list[dict[str, Any]] = []
        remedies: list[dict[str, Any]] = []
        doc_printed: dict[str, Any] = {}
        for b in self.blocks:
            for k, v in b.doc_fields.items():
                doc_printed.setdefault(k, v)
            for m in b.mentions:
                if m.conflict:
                    c = conflicts.setdefault(m.field, {"field": m.field, "values": [], "as_reported": []})
                    c["values"].append(m.value if m.value is not None else m.value_text)
                    c["as_reported"].append(m.as_reported)
                    continue
                f = facts.get(m.field)
                if f is None:
                    facts[m.field] = {"field": m.field, "value": m.value, "value_text": m.value_text,
                                      "unit_as_reported": m.unit, "as_reported": m.as_reported,
                                      "mentions": [[m.as_reported, m.unit]]}
                elif [m.as_reported, m.unit] not in f["mentions"]:
                    f["mentions"].append([m.as_reported, m.unit])
            line_items.extend(b.line_items)
            indicators.extend(b.indicators)
            projects.extend(b.projects)
            problems.extend({"text": t} for t in b.problems)
            remedies.extend({"text": t} for t in b.remedies)
        for fld, c in conflicts.items():
            first = facts.get(fld)
            if first is not None:
                v0 = first["value"] if first["value"] is not None else first["value_text"]
                c["values"].insert(0, v0)
                c["as_reported"].insert(0, first["as_reported"])
        doc = dict(self.document)
        for k in ("department_name", "published_on", "title"):
            if k not in doc_printed:
                doc[k] = None
        if doc_printed.get("title"):
            doc["title"] = doc_printed["title"]
        return {
            "document": doc,
            "facts": list(facts.values()),
            "conflicts": [c for c in conflicts.values() if c["field"] in facts],
            "line_items": line_items,
            "indicators": indicators,
            "projects": projects,
            "problems": problems,
            "remedies": remedies,
            "damage": list(self.damage),
            "script": self.script,
        }
