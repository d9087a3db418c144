"""The docker-compose deployment, checked offline: there is no Docker engine on the build machines,
so the file is validated against the compose schema and read as YAML for the promises it must keep."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
COMPOSE = REPO_ROOT / "docker-compose.yml"
AIRFLOW_SERVICES = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-worker",
                    "airflow-triggerer", "airflow-init"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_file_is_valid_against_the_compose_spec() -> None:
    checker = Path(sys.executable).with_name("check-jsonschema")
    out = subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
                         capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr


def test_compose_has_the_official_airflow_3_services(compose: dict) -> None:
    assert AIRFLOW_SERVICES | {"postgres", "redis"} <= set(compose["services"])


def test_every_airflow_service_shares_the_same_config_and_secrets(compose: dict) -> None:
    envs = [compose["services"][name]["environment"] for name in AIRFLOW_SERVICES]
    keys = ("AIRFLOW__CORE__EXECUTOR", "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "AIRFLOW__API_AUTH__JWT_SECRET",
            "AIRFLOW__API__SECRET_KEY", "AIRFLOW__CORE__EXECUTION_API_SERVER_URL", "AIRFLOW__CORE__FERNET_KEY",
            "AIRFLOW__CELERY__BROKER_URL", "FISCAL_STATE", "FISCAL_WAREHOUSE", "FISCAL_INBOX")
    for key in keys:
        assert len({env.get(key) for env in envs}) == 1, key
        assert envs[0].get(key), key
    assert envs[0]["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"


def test_services_wait_for_healthy_dependencies(compose: dict) -> None:
    for name in AIRFLOW_SERVICES - {"airflow-init"}:
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"
        assert depends["airflow-init"]["condition"] == "service_completed_successfully"
        assert "healthcheck" in compose["services"][name]


def test_volumes_line_up_with_the_paths_the_dags_use(compose: dict) -> None:
    env = compose["services"]["airflow-worker"]["environment"]
    mounts = {m.rsplit(":", 1)[1] if not m.endswith(":ro") else m.rsplit(":", 2)[1]
              for m in compose["services"]["airflow-worker"]["volumes"]}
    assert env["FISCAL_INBOX"] in mounts
    assert env["FISCAL_STATE"] in mounts
    assert str(Path(env["FISCAL_WAREHOUSE"]).parent) in mounts
    for name in AIRFLOW_SERVICES:
        assert compose["services"][name]["volumes"] == compose["services"]["airflow-worker"]["volumes"]


def test_bi_service_mounts_the_published_warehouse_read_only(compose: dict) -> None:
    bi = compose["services"]["superset"]
    assert "bi" in bi["profiles"]
    assert any(v.endswith(":/data/warehouse:ro") for v in bi["volumes"])


def test_no_secret_is_committed_only_placeholders_in_env_example(compose: dict) -> None:
    text = COMPOSE.read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z0-9_]+)(?::-[^}]*)?\}", text))
    example = dict(line.split("=", 1) for line in (REPO_ROOT / ".env.example").read_text().splitlines()
                   if line and not line.startswith("#"))
    secrets = {v for v in used if any(w in v for w in ("PASSWORD", "SECRET", "FERNET"))}
    assert secrets <= set(example)
    assert all(example[s] == "CHANGE_ME" for s in secrets)
    assert ".env" in (REPO_ROOT / ".gitignore").read_text().splitlines()


def test_image_installs_the_same_lock_and_runs_as_non_root() -> None:
    dockerfile = (REPO_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "uv sync --frozen" in dockerfile
    assert "COPY --chown=airflow:airflow pyproject.toml uv.lock" in dockerfile
    assert re.search(r"^USER airflow$", dockerfile, re.MULTILINE)


def test_lock_file_pins_every_package_with_hashes() -> None:
    lock = (REPO_ROOT / "uv.lock").read_text(encoding="utf-8")
    packages = lock.count("[[package]]")
    assert packages > 100
    assert lock.count('hash = "sha256:') >= packages - 1  # every registry package carries a hash
