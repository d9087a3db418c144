"""Values read by OCR are kept only when every character of them was read confidently.

A wrong number in the warehouse is worse than a missing one, and OCR's typical failure is a
plausible wrong number (a lost decimal point multiplies by 100). The threshold lives in
extract/data/ocr.yaml with the measurement behind it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).parent / "data"
ROW_GROUPS = ("facts", "line_items", "indicators", "projects")


@cache
def min_confidence() -> float:
    with open(DATA / "ocr.yaml", encoding="utf-8") as fh:
        return float(yaml.safe_load(fh)["min_confidence"])


def _label(group: str, row: dict[str, Any]) -> str:
    if group == "facts":
        return str(row.get("field"))
    name = row.get("name") or row.get("item") or row.get("name_as_printed") or ""
    return f"{group[:-1].replace('_', ' ')} {name}".strip()


def apply_ocr_trust(out: dict[str, Any], doc: Any) -> None:
    """Drop OCR-read values under the threshold (each becomes a warning); tag the rest.

    Kept rows get `ocr_confidence` (their weakest character) so the warehouse can tell
    OCR-read values apart; rows from a text layer are left untouched.
    """
    origin_map = getattr(doc, "origin_map", None)
    if origin_map is None or not origin_map.has_ocr:
        return
    floor = min_confidence()
    for group in ROW_GROUPS:
        kept = []
        for row in out.get(group, []):
            span = row.get("span")
            conf = doc.ocr_confidence(span[0], span[1]) if span else None
            if conf is None:
                kept.append(row)
                continue
            if conf < floor:
                out["warnings"].append({
                    "code": "ocr_low_confidence",
                    "message": f"{_label(group, row)}: read by OCR on page {row.get('page')} with confidence "
                    f"{conf:.2f} (< {floor:.2f}, extract/data/ocr.yaml); not emitted — check that page by eye",
                    "field": row.get("field") if group == "facts" else group,
                    "span": list(span),
                })  # fmt: skip
                continue
            row["ocr_confidence"] = round(conf, 3)
            kept.append(row)
        out[group] = kept
    _drop_weak_conflict_values(out, doc, floor)


def _drop_weak_conflict_values(out: dict[str, Any], doc: Any, floor: float) -> None:
    """A conflict lists only values read well enough to be facts; one left alone is no conflict."""
    conflicts = []
    for c in out.get("conflicts", []):
        spans = c.get("spans") or []
        keep = [
            k for k, span in enumerate(spans) if (conf := doc.ocr_confidence(span[0], span[1])) is None or conf >= floor
        ]
        if len(keep) == len(spans):
            conflicts.append(c)
            continue
        values = [c["values"][k] for k in keep]
        if len(set(map(repr, values))) < 2:
            out["warnings"].append({
                "code": "ocr_low_confidence",
                "message": f"{c.get('field')}: conflict dropped — its other value(s) were read by OCR below "
                f"{floor:.2f}; the field stays unset, check the scanned page by eye",
                "field": c.get("field"),
                "span": None,
            })  # fmt: skip
            continue
        trimmed = dict(c)
        for key in ("values", "spans", "snippets"):
            if isinstance(c.get(key), list) and len(c[key]) == len(spans):
                trimmed[key] = [c[key][k] for k in keep]
        conflicts.append(trimmed)
    out["conflicts"] = conflicts
