"""The gate's verdict (docs/contracts.md §5), kept free of GX so callers import it cheaply."""

from __future__ import annotations

from dataclasses import dataclass, field


class GateError(RuntimeError):
    """Raised by `GateResult.raise_for_failure`.

    The GX Airflow provider does not fail a task on a failed validation by itself; callers that
    want a hard stop (the mart audit before publish) call `raise_for_failure()` so the failure
    cannot be ignored by accident.
    """


@dataclass
class GateResult:
    """What the gate decided for one run and stage.

    * `quarantined`: document_id -> reason, one line per failed critical expectation, joined with
      "; ". The reason starts with the severity and the expectation's name and quotes the
      offending values, so a person reading the ledger knows what to fix.
    * `warnings`: (document_id, expectation, detail) for every failed warning expectation; the
      documents are still loaded.
    * `success`: False only when something failed that is *not* explained by a per-document
      quarantine: a critical expectation that failed without naming a document (marts audit,
      table-level checks), an expectation that raised, or GX and the gate's own SQL disagreeing
      about which rows fail. The caller must stop the run then.
    """

    run_id: str
    stage: str
    quarantined: dict[str, str] = field(default_factory=dict)
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    success: bool = True
    errors: list[str] = field(default_factory=list)
    suites: dict[str, bool] = field(default_factory=dict)
    evaluated_documents: int = 0
    seconds: float = 0.0

    def raise_for_failure(self) -> None:
        """Raise GateError when `success` is False, naming what failed."""
        if not self.success:
            raise GateError(f"{self.stage} gate failed for run {self.run_id}: " + "; ".join(self.errors))
