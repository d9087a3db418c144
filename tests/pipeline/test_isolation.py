"""Isolation: a file that hangs, crashes or eats memory is reported, and the others still finish."""

from __future__ import annotations

import os
import time

from pipeline.isolation import Failure, map_isolated


def _work(item: str) -> str:
    if item == "hang":
        time.sleep(60)
    if item == "crash":
        os._exit(3)
    if item == "raise":
        raise ValueError("bad table")
    if item == "balloon":
        blob = bytearray(400 << 20)
        time.sleep(5)
        return str(len(blob))
    return item.upper()


def _run(items: list[str], **kwargs) -> dict[str, object]:
    return {items[i]: r for i, r in map_isolated(_work, items, **kwargs)}


def test_every_item_gets_a_result_in_any_order() -> None:
    assert _run(["a", "b", "c"], workers=2) == {"a": "A", "b": "B", "c": "C"}


def test_a_hanging_item_times_out_and_the_rest_finish() -> None:
    results = _run(["a", "hang", "b"], workers=1, timeout_s=1.0)
    assert results["a"] == "A" and results["b"] == "B"
    assert isinstance(results["hang"], Failure) and results["hang"].code == "extraction_timeout"


def test_a_crashing_worker_is_replaced() -> None:
    results = _run(["crash", "a"], workers=1)
    assert results["crash"].code == "worker_crashed"
    assert results["a"] == "A"


def test_an_exception_is_reported_for_that_item_only() -> None:
    results = _run(["raise", "a"], workers=1)
    assert results["raise"].code == "worker_error" and "bad table" in results["raise"].message
    assert results["a"] == "A"


def test_an_item_over_the_memory_limit_is_stopped() -> None:
    results = _run(["balloon", "a"], workers=1, memory_bytes=300 << 20, timeout_s=30)
    assert results["balloon"].code == "memory_limit_exceeded"
    assert results["a"] == "A"


def _from_a_daemon(queue) -> None:  # type: ignore[no-untyped-def]
    queue.put(sorted(r for _, r in map_isolated(_work, ["a", "b"], workers=2)))


def test_works_inside_a_daemonic_process_like_a_celery_task() -> None:
    """Airflow's Celery worker runs tasks in daemonic processes, which normally may not fork children."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    daemon = ctx.Process(target=_from_a_daemon, args=(queue,), daemon=True)
    daemon.start()
    daemon.join(timeout=60)
    assert daemon.exitcode == 0
    assert queue.get(timeout=5) == ["A", "B"]
