"""Start and stop local services for the integration test: each in its own process group, its output
in var/integration/logs/<name>.log, stopped (TERM, then KILL of the whole group) at the end."""

from __future__ import annotations

import atexit
import contextlib
import os
import pwd
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from .nativeconfig import REPO_ROOT

VAR = REPO_ROOT / "var" / "integration"
LOGS = VAR / "logs"

_RUNNING: list[Service] = []


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return f"({path} does not exist)"
    text = path.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])


def service_user() -> tuple[str | None, int | None]:
    """PostgreSQL refuses to run as root: as root, run it as `postgres` (Debian's package user)."""
    if os.geteuid() != 0:
        return None, None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(name)
            return name, entry.pw_uid
    raise RuntimeError("running as root and no 'postgres' or 'nobody' user to run PostgreSQL as")


class Service:
    """One long-running process (and its children) in its own session/process group."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], *, cwd: Path = REPO_ROOT,
                 user: str | None = None, stop_signal: int = signal.SIGTERM) -> None:
        self.name, self.argv, self.env, self.cwd, self.user = name, argv, env, cwd, user
        self.stop_signal = stop_signal
        self.log = LOGS / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Service:
        LOGS.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("ab")
        handle.write(f"\n=== {time.strftime('%H:%M:%S')} start: {' '.join(self.argv)}\n".encode())
        handle.flush()
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=self.cwd, stdout=handle, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, start_new_session=True, user=self.user)
        handle.close()
        _RUNNING.append(self)
        return self

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def check_alive(self) -> None:
        if not self.alive:
            raise RuntimeError(f"{self.name} exited with {self.proc and self.proc.returncode}:\n{tail(self.log)}")

    def stop(self, timeout: float = 20) -> None:
        if self.proc is None:
            return
        pgid = self.proc.pid  # start_new_session: the group id is the leader's pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, self.stop_signal)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=timeout)
        # children that outlive the leader (celery pool, task supervisors, postgres backends)
        deadline = time.monotonic() + 5
        while _group_alive(pgid) and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        if self in _RUNNING:
            _RUNNING.remove(self)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stop_all() -> None:
    for service in reversed(list(_RUNNING)):
        service.stop()


atexit.register(stop_all)  # a second line of defence behind the fixtures' finalizers


def wait_for(what: str, check: Callable[[], object], timeout: float, *, interval: float = 1.0,
             services: list[Service] | None = None) -> object:
    """Poll `check` until it returns something truthy; fail with the services' log tails on timeout."""
    deadline = time.monotonic() + timeout
    last_error: BaseException | None = None
    while time.monotonic() < deadline:
        for service in services or []:
            service.check_alive()
        try:
            result = check()
            if result:
                return result
        except Exception as err:  # the service is not up yet
            last_error = err
        time.sleep(interval)
    logs = "\n".join(f"--- {s.name} ({s.log}):\n{tail(s.log)}" for s in services or [])
    raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what}; last error: {last_error!r}\n{logs}")


def run(argv: list[str], env: dict[str, str], name: str, *, timeout: float = 300, user: str | None = None,
        cwd: Path = REPO_ROOT, check: bool = True) -> subprocess.CompletedProcess[str]:
    """A one-shot command, its output appended to var/integration/logs/<name>.log."""
    LOGS.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout, user=user,
                         stdin=subprocess.DEVNULL, check=False)
    with (LOGS / f"{name}.log").open("a", encoding="utf-8") as log:
        log.write(f"\n=== {time.strftime('%H:%M:%S')} {' '.join(argv)} → {out.returncode}\n{out.stdout}{out.stderr}")
    if check and out.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({out.returncode}):\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return out
