"""Session fixtures of the native stack: PostgreSQL, Redis, Airflow (CeleryExecutor, one worker),
Superset, all on free localhost ports under var/integration, stopped at the end even on failure.

Nothing here runs unless a test asks for it: `make test` (`-m "not integration"`) never starts a
service. On a failing test the tail of every service log is attached to the report.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .nativeconfig import REPO_ROOT, dotenv_values, native_env
from .services import LOGS, VAR, Service, free_port, port_open, run, service_user, stop_all, tail, wait_for

VENV_BIN = Path(sys.executable).parent
AIRFLOW = str(VENV_BIN / "airflow")
SUPERSET_VENV = REPO_ROOT / "var" / "superset"
DATA = VAR / "data"
CORPUS = VAR / "corpus"
REFERENCE = VAR / "reference"
N_REPORTS = 300
#: How long the whole scheduler path (ingest + asset-triggered warehouse build) may take.
RUN_DEADLINE_S = float(os.environ.get("INTEGRATION_RUN_DEADLINE", 420))


def base_env() -> dict[str, str]:
    """A clean environment: no AIRFLOW__/FISCAL_ from the caller, HOME inside var/integration."""
    env = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "TZ", "TMPDIR", "TERM")}
    env["PATH"] = f"{VENV_BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}"
    env["HOME"] = str(VAR / "home")
    env["NO_PROXY"] = env["no_proxy"] = "localhost,127.0.0.1"
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONPATH"] = str(REPO_ROOT)  # this checkout's code, whatever checkout the venv was synced from
    return env


# ------------------------------------------------------------------------------------------------
# failure reporting
# ------------------------------------------------------------------------------------------------


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: Any) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.failed and item.get_closest_marker("integration") and LOGS.is_dir():
        for log in sorted(LOGS.glob("*.log")):
            report.sections.append((f"log tail: {log.name}", tail(log, 25)))


# ------------------------------------------------------------------------------------------------
# installation, folders, corpus
# ------------------------------------------------------------------------------------------------


@dataclass
class Timings:
    marks: dict[str, float] = field(default_factory=dict)

    def mark(self, what: str, since: float) -> None:
        self.marks[what] = round(time.monotonic() - since, 1)


_TIMINGS = Timings()


@pytest.fixture(scope="session")
def timings() -> Timings:
    return _TIMINGS


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _TIMINGS.marks:
        terminalreporter.write_line(f"integration timings (s since each stage began): {json.dumps(_TIMINGS.marks)}")
        if LOGS.is_dir():
            (LOGS / "timings.json").write_text(json.dumps(_TIMINGS.marks, indent=1))


@pytest.fixture(scope="session")
def workspace(timings: Timings) -> Path:
    """Installs what is missing (deploy/native/install.sh), then a fresh var/integration (node/ kept)."""
    t0 = time.monotonic()
    VAR.mkdir(parents=True, exist_ok=True)
    stop_all()
    for child in VAR.iterdir():
        if child.name != "node":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    LOGS.mkdir(parents=True)
    (VAR / "home").mkdir()
    # the caller's environment: apt, uv and npm need its proxy and CA settings (NODE_EXTRA_CA_CERTS, …)
    env = {**os.environ, "UV": str(REPO_ROOT / "var" / "tools" / "bin" / "uv")}
    run(["bash", str(REPO_ROOT / "deploy" / "native" / "install.sh")], env, "install", timeout=900)
    timings.mark("install", t0)
    return VAR


@pytest.fixture(scope="session")
def inbox(workspace: Path) -> Path:
    """A few hundred generated reports (txt and html), the same for both ingestion paths."""
    run([sys.executable, "-m", "synth", "--out", str(CORPUS), "--n", str(N_REPORTS), "--seed", "3",
         "--formats", "txt,html"], base_env(), "synth")
    folder = CORPUS / "inbox"
    assert len(list(folder.iterdir())) == N_REPORTS
    return folder


@dataclass
class Reference:
    proc: subprocess.Popen[bytes]
    state: Path
    warehouse: Path
    started: float

    def wait(self, timeout: float = 600) -> None:
        self.proc.wait(timeout=timeout)
        assert self.proc.returncode == 0, tail(LOGS / "reference-make-run.log", 60)


@pytest.fixture(scope="session")
def reference(inbox: Path) -> Iterator[Reference]:
    """The same inbox through the `make run` path (dag.test() on SQLite), in its own state folder.

    Started in the background as soon as the inbox exists; the comparison waits for it.
    """
    state, warehouse = REFERENCE / "state", REFERENCE / "warehouse" / "fiscal.duckdb"
    env = {**base_env(), "FISCAL_STATE": str(state)}
    LOGS.mkdir(parents=True, exist_ok=True)
    with (LOGS / "reference-make-run.log").open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "pipeline.run", "--inbox", str(inbox),
                                 "--warehouse", str(warehouse)], env=env, cwd=REPO_ROOT, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    ref = Reference(proc, state, warehouse, time.monotonic())
    yield ref
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


# ------------------------------------------------------------------------------------------------
# PostgreSQL and Redis
# ------------------------------------------------------------------------------------------------


def _pg_bindir() -> Path:
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    raise RuntimeError("PostgreSQL server binaries not found under /usr/lib/postgresql (install.sh?)")


@pytest.fixture(scope="session")
def dotenv() -> dict[str, str]:
    """The native `.env`: .env.example's values, secrets generated for this run."""
    return dotenv_values()


@pytest.fixture(scope="session")
def postgres(workspace: Path, dotenv: dict[str, str], timings: Timings) -> Iterator[dict[str, Any]]:
    t0 = time.monotonic()
    user, uid = service_user()
    pgdir = VAR / "pg"
    data, sockets = pgdir / "data", pgdir / "run"
    for d in (pgdir, sockets):
        d.mkdir(parents=True, exist_ok=True)
    pwfile = pgdir / "pwfile"
    pwfile.write_text(dotenv["POSTGRES_PASSWORD"] + "\n")
    if uid is not None:
        for path in (pgdir, sockets, pwfile):
            os.chown(path, uid, -1)
    bindir = _pg_bindir()
    env = {**base_env(), "HOME": str(pgdir)}
    run([str(bindir / "initdb"), "-D", str(data), "-U", dotenv["POSTGRES_USER"], f"--pwfile={pwfile}",
         "--auth=scram-sha-256", "-E", "UTF8", "--locale=C"], env, "postgres-initdb", user=user)
    port = free_port()
    service = Service("postgres", [str(bindir / "postgres"), "-D", str(data), "-p", str(port),
                                   "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={sockets}",
                                   "-c", "max_connections=200", "-c", "fsync=off"],
                      env, user=user, stop_signal=signal.SIGINT).start()  # SIGINT: fast shutdown
    import psycopg2

    dsn = dict(host="127.0.0.1", port=port, user=dotenv["POSTGRES_USER"], password=dotenv["POSTGRES_PASSWORD"])
    wait_for("PostgreSQL", lambda: psycopg2.connect(dbname="postgres", **dsn).close() or True, 60,
             interval=0.5, services=[service])
    conn = psycopg2.connect(dbname="postgres", **dsn)
    conn.autocommit = True
    conn.cursor().execute(f'CREATE DATABASE "{dotenv["POSTGRES_DB"]}"')
    conn.close()
    timings.mark("postgres", t0)
    yield {"port": port, "service": service, "dsn": {**dsn, "dbname": dotenv["POSTGRES_DB"]}}
    service.stop()


@pytest.fixture(scope="session")
def redis_server(workspace: Path, dotenv: dict[str, str]) -> Iterator[dict[str, Any]]:
    port = free_port()
    rdir = VAR / "redis"
    rdir.mkdir(parents=True, exist_ok=True)
    service = Service("redis", ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(rdir),
                                "--requirepass", dotenv["REDIS_PASSWORD"], "--save", "", "--appendonly", "no",
                                "--daemonize", "no", "--protected-mode", "yes"], base_env()).start()
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, password=dotenv["REDIS_PASSWORD"])
    wait_for("Redis", client.ping, 30, interval=0.3, services=[service])
    yield {"port": port, "service": service}
    service.stop()


# ------------------------------------------------------------------------------------------------
# Airflow
# ------------------------------------------------------------------------------------------------


@dataclass
class AirflowStack:
    env: dict[str, str]
    api_url: str
    services: dict[str, Service]
    pg_dsn: dict[str, Any]
    _token: str | None = None

    def cli(self, *args: str, timeout: float = 180) -> str:
        return run([AIRFLOW, *args], self.env, "airflow-cli", timeout=timeout).stdout

    def token(self) -> str:
        if self._token is None:
            import requests

            users = json.loads((Path(self.env["AIRFLOW_HOME"]) / "simple_auth_manager_passwords.json.generated")
                               .read_text())
            user = self.env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"].split(":")[0]
            resp = requests.post(f"{self.api_url}/auth/token", json={"username": user, "password": users[user]},
                                 timeout=30)
            resp.raise_for_status()
            self._token = resp.json()["access_token"]
        return self._token

    def api(self, path: str, **params: Any) -> Any:
        import requests

        resp = requests.get(f"{self.api_url}/api/v2{path}", params=params, timeout=30,
                            headers={"Authorization": f"Bearer {self.token()}"})
        resp.raise_for_status()
        return resp.json()

    def sql(self, query: str, args: tuple = ()) -> list[tuple]:
        import psycopg2

        with psycopg2.connect(**self.pg_dsn) as conn, conn.cursor() as cur:
            cur.execute(query, args)
            return cur.fetchall()

    def check_alive(self) -> None:
        for service in self.services.values():
            service.check_alive()


@pytest.fixture(scope="session")
def airflow(workspace: Path, postgres: dict[str, Any], redis_server: dict[str, Any], dotenv: dict[str, str],
            timings: Timings) -> Iterator[AirflowStack]:
    """Airflow 3 as docker-compose.yml runs it: migrate + pool (airflow-init), api-server, scheduler,
    dag-processor, triggerer and ONE Celery worker, with the environment of deploy/native/*.env."""
    t0 = time.monotonic()
    api_port = free_port()
    site = {
        "PG_HOST": f"127.0.0.1:{postgres['port']}", "REDIS_HOST": f"127.0.0.1:{redis_server['port']}",
        "API_HOST": f"127.0.0.1:{api_port}", "API_PORT": str(api_port), "APP_DIR": str(REPO_ROOT),
        "DATA_DIR": str(DATA), "HOME_DIR": str(VAR / "airflow"), "LOG_DIR": str(LOGS),
        "WORKER_LOG_PORT": str(free_port()), "TRIGGER_LOG_PORT": str(free_port()),
        "SCHEDULER_HEALTH_PORT": str(free_port()),
    }
    env = {**base_env(), **native_env(site, dotenv)}
    for folder in ("FISCAL_STATE", "AIRFLOW_HOME"):
        Path(env[folder]).mkdir(parents=True, exist_ok=True)
    Path(env["FISCAL_WAREHOUSE"]).parent.mkdir(parents=True, exist_ok=True)
    Path(env["FISCAL_INBOX"]).mkdir(parents=True, exist_ok=True)
    # airflow-init
    run([AIRFLOW, "db", "migrate"], env, "airflow-init", timeout=600)
    run([AIRFLOW, "pools", "set", "duckdb_writer", "1", "the single DuckDB writer"], env, "airflow-init")
    timings.mark("airflow_migrate", t0)
    services = {
        "api-server": Service("airflow-api-server", [AIRFLOW, "api-server"], env).start(),
        "scheduler": Service("airflow-scheduler", [AIRFLOW, "scheduler"], env).start(),
        "dag-processor": Service("airflow-dag-processor", [AIRFLOW, "dag-processor"], env).start(),
        "triggerer": Service("airflow-triggerer", [AIRFLOW, "triggerer"], env).start(),
    }
    stack = AirflowStack(env, f"http://127.0.0.1:{api_port}", services, postgres["dsn"])
    try:
        import requests

        # the Celery worker's tasks call the Execution API: the api-server must answer first
        wait_for("the Airflow api-server", lambda: requests.get(f"{stack.api_url}/api/v2/version", timeout=5).ok,
                 180, services=list(services.values()))
        services["worker"] = Service("airflow-celery-worker", [
            AIRFLOW, "celery", "worker", "--celery-hostname", "integration-worker@%h"], env).start()
        wait_for("the scheduler's health check", lambda: port_open(int(site["SCHEDULER_HEALTH_PORT"])), 120,
                 services=list(services.values()))
        timings.mark("airflow_up", t0)
        yield stack
    finally:
        for name in ("worker", "scheduler", "triggerer", "dag-processor", "api-server"):
            if name in services:
                services[name].stop()


# ------------------------------------------------------------------------------------------------
# Superset
# ------------------------------------------------------------------------------------------------


@dataclass
class SupersetStack:
    url: str
    env: dict[str, str]
    user: str
    password: str
    service: Service

    def python(self, *args: str, timeout: float = 300) -> str:
        return run([str(SUPERSET_VENV / "bin" / "python"), *args], self.env, "superset-cli", timeout=timeout).stdout


@pytest.fixture(scope="session")
def superset(workspace: Path, dotenv: dict[str, str], timings: Timings) -> Iterator[SupersetStack]:
    """Superset 6.1.0 from var/superset with deploy/superset/superset_config.py, SQLite metadata in
    var/integration/superset, the steps of deploy/superset/start.sh in the same order."""
    t0 = time.monotonic()
    home = VAR / "superset"
    home.mkdir(parents=True, exist_ok=True)
    port = free_port()
    password = dotenv.get("SUPERSET_ADMIN_PASSWORD") or os.urandom(12).hex()
    env = {**base_env(), "SUPERSET_CONFIG_PATH": str(REPO_ROOT / "deploy" / "superset" / "superset_config.py"),
           "SUPERSET_SECRET_KEY": dotenv["SUPERSET_SECRET_KEY"], "SUPERSET_HOME": str(home),
           "FLASK_APP": "superset.app:create_app()", "PATH": f"{SUPERSET_VENV / 'bin'}:/usr/bin:/bin"}
    bin_ = SUPERSET_VENV / "bin"
    run([str(bin_ / "superset"), "db", "upgrade"], env, "superset-init", timeout=300)
    run([str(bin_ / "superset"), "fab", "create-admin", "--username", "admin", "--firstname", "Fiscal",
         "--lastname", "Admin", "--email", "admin@localhost", "--password", password], env, "superset-init")
    run([str(bin_ / "superset"), "init"], env, "superset-init", timeout=300)
    service = Service("superset", [str(bin_ / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                   "--worker-class", "gthread", "--threads", "8", "--timeout", "120",
                                   "superset.app:create_app()"], env, cwd=home).start()
    import requests

    url = f"http://127.0.0.1:{port}"
    wait_for("Superset", lambda: requests.get(f"{url}/health", timeout=5).ok, 180, services=[service])
    timings.mark("superset_up", t0)
    yield SupersetStack(url, env, "admin", password, service)
    service.stop()
