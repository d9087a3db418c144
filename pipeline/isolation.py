"""Run a function over many items in worker processes, each item under a time and memory limit.

One pathological file (an endless loop in a parser, a table that explodes in memory) must
not stall or kill a run. Each worker is a forked process fed one item at a time through a
pipe; the parent watches deadlines and the workers' resident memory, kills a worker that
overruns, reports that item as failed with the reason, and starts a fresh worker for the
rest. Using several workers is also how extraction uses every core inside one Airflow task.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Failure:
    """Why an item produced no result: `code` is a stable slug, `message` says what to do."""

    code: str
    message: str


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _worker(conn: Connection, fn: Callable[[Any], Any]) -> None:
    while True:
        try:
            message = conn.recv()
        except EOFError:
            return
        if message is None:
            return
        index, item = message
        try:
            result: Any = fn(item)
        except MemoryError:
            result = Failure("memory_limit_exceeded", "the reader ran out of memory on this file")
        except Exception as err:  # reported per item; the worker lives on
            result = Failure("worker_error", f"{type(err).__name__}: {err}")
        conn.send((index, result))


@contextlib.contextmanager
def _children_allowed() -> Iterator[None]:
    """Let a daemonic process start workers while one is started.

    Airflow 3's Celery worker runs each task in a process forked from a pool process that Python
    marks daemonic, and daemonic processes may not have children. map_isolated joins or kills
    every worker it starts before it returns, which is what the rule protects, so lifting the
    flag for the start is safe.
    """
    config = mp.current_process()._config  # type: ignore[attr-defined]
    daemon = config.pop("daemon", None)
    try:
        yield
    finally:
        if daemon is not None:
            config["daemon"] = daemon


@dataclass
class _Slot:
    process: mp.process.BaseProcess
    conn: Connection
    index: int | None = None
    started: float = 0.0


def map_isolated(
    fn: Callable[[Any], Any],
    items: list[Any],
    workers: int = 2,
    timeout_s: float = 120.0,
    memory_bytes: int | None = None,
    poll_s: float = 0.1,
) -> Iterator[tuple[int, Any]]:
    """Yield (index, result or Failure) for every item, in completion order."""
    if not items:
        return
    ctx = mp.get_context("fork")

    def spawn() -> _Slot:
        parent, child = ctx.Pipe()
        process = ctx.Process(target=_worker, args=(child, fn), daemon=True)
        with _children_allowed():
            process.start()
        child.close()
        return _Slot(process, parent)

    slots = [spawn() for _ in range(max(1, min(workers, len(items))))]
    pending = list(enumerate(items))[::-1]
    remaining = len(items)
    try:
        while remaining:
            for slot in slots:
                if slot.index is None and pending:
                    slot.index, item = pending.pop()
                    slot.started = time.monotonic()
                    slot.conn.send((slot.index, item))
            busy = [s for s in slots if s.index is not None]
            ready = wait([s.conn for s in busy], timeout=poll_s)
            now = time.monotonic()
            for position, slot in enumerate(slots):
                if slot.index is None:
                    continue
                failure: Failure | None = None
                if slot.conn in ready:
                    try:
                        index, result = slot.conn.recv()
                    except (EOFError, OSError):
                        failure = Failure("worker_crashed", f"the worker died (exit code {slot.process.exitcode})")
                    else:
                        slot.index = None
                        remaining -= 1
                        yield index, result
                        continue
                elif now - slot.started > timeout_s:
                    failure = Failure("extraction_timeout", f"reading took longer than {timeout_s:.0f} s; the file "
                                      "is quarantined so the run can go on (raise FISCAL_EXTRACT_TIMEOUT if it is "
                                      "a genuinely huge report)")
                elif memory_bytes and _rss_bytes(slot.process.pid or 0) > memory_bytes:
                    failure = Failure("memory_limit_exceeded", f"reading used more than {memory_bytes >> 20} MB; "
                                      "the file is quarantined (raise FISCAL_EXTRACT_MEMORY_MB if it is legitimate)")
                elif not slot.process.is_alive():
                    failure = Failure("worker_crashed", f"the worker died (exit code {slot.process.exitcode})")
                if failure is not None:
                    index = slot.index
                    slot.process.kill()
                    slot.process.join()
                    slot.conn.close()
                    slots[position] = spawn()
                    remaining -= 1
                    yield index, failure
    finally:
        for slot in slots:
            with contextlib.suppress(OSError, BrokenPipeError):
                slot.conn.send(None)
            slot.process.join(timeout=1)
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()
            slot.conn.close()
