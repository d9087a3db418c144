"""Fault injection for the crash tests: `FISCAL_FAULT=<point>` kills the process there, like kill -9.

The points sit where a crash hurts most (half-written files, open transactions, a half-built
serving copy). In production the variable is unset and `maybe_crash` is a dictionary lookup.
"""

from __future__ import annotations

import os
import signal

POINTS = (
    "extract_before_landing_rename",  # landing file written to .tmp, not yet renamed
    "load_before_commit",             # incoming tables replaced inside an open transaction
    "gate_after_validation",          # verdicts computed, process dies before the step returns
    "promote_before_commit",          # raw rows and ledger changed inside an open transaction
    "dbt_during_build",               # dbt killed while building the marts
    "publish_before_swap",            # serving copy built under its temporary name, not swapped in
    "publish_before_parquet",         # new serving copy swapped in, Parquet export not yet done
)


def maybe_crash(point: str) -> None:
    """Die without cleanup (SIGKILL) when the environment names this point."""
    if point not in POINTS:
        raise ValueError(f"unknown fault point {point!r}")
    if os.environ.get("FISCAL_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
