"""The quality gate: Great Expectations suites from `expectations/` over `incoming.*` and the marts.

`validate_batch(con, run_id)` judges a loaded batch (docs/contracts.md §5) and
`audit_marts(con, run_id)` the marts before publish. Importing this package is cheap: GX itself
is imported only when a validation runs.
"""

from pipeline.gate.result import GateError, GateResult
from pipeline.gate.runner import audit_marts, validate_batch

__all__ = ["GateError", "GateResult", "audit_marts", "validate_batch"]
