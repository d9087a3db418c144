"""Hand-made extractor records (docs/contracts.md §2) for tests that must not depend on the extractor."""

from __future__ import annotations

import hashlib
from typing import Any


def record(
    name: str,
    department: str | None = "测试县科学技术局",
    year: int | None = 2023,
    report_type: str | None = "final_accounts",
    facts: dict[str, float | str] | None = None,
    status: str = "ok",
    reason: str | None = None,
    content: bytes | None = None,
) -> dict[str, Any]:
    """One §2 object; `content` decides the sha256 (defaults to the name)."""
    sha = hashlib.sha256(content if content is not None else name.encode()).hexdigest()
    facts = facts if facts is not None else {"expenditure_total": 31375100.0, "expenditure_basic": 8581900.0}
    return {
        "file": name, "sha256": sha, "status": status, "reason": reason, "extractor_version": "test",
        "format": "txt", "encoding": "utf-8",
        "document": {} if status != "ok" else {
            "department_name": department, "province": "四川省", "city": "攀枝花市", "county": "盐边县",
            "division_code": "510422", "fiscal_year": year, "report_type": report_type,
        },
        "facts": [
            {"field": k, "value": v if not isinstance(v, str) else None,
             "value_text": v if isinstance(v, str) else None, "unit_as_reported": "万元",
             "as_reported": str(v), "span": [0, 5], "page": None, "snippet": "…"}
            for k, v in facts.items()
        ] if status == "ok" else [],
        "conflicts": [], "line_items": [], "indicators": [], "projects": [], "problems": [], "remedies": [],
        "warnings": [],
    }
