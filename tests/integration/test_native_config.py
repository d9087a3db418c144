"""The native stack (make integration) and docker-compose.yml share one Airflow/pipeline environment.

Not marked `integration`: it is offline and instant, so `make test` catches drift too.
"""

from __future__ import annotations

from .nativeconfig import (
    COMPOSE_SITE,
    ENV_EXAMPLE,
    checked_names,
    compose_common_env,
    compose_drift,
    dotenv_values,
    native_env,
    parse_env_file,
)


def test_native_airflow_env_is_the_compose_block() -> None:
    assert compose_drift() == []


def test_native_env_defines_the_same_airflow_and_fiscal_names_with_the_same_plain_values() -> None:
    compose = compose_common_env()
    site = {"PG_HOST": "127.0.0.1:1", "REDIS_HOST": "127.0.0.1:2", "API_HOST": "127.0.0.1:3",
            "APP_DIR": "/repo", "DATA_DIR": "/repo/var/integration/data", "HOME_DIR": "/h", "LOG_DIR": "/l",
            "WORKER_LOG_PORT": "4", "TRIGGER_LOG_PORT": "5", "SCHEDULER_HEALTH_PORT": "6", "API_PORT": "3"}
    native = native_env(site, dotenv_values())
    assert checked_names(compose) <= checked_names(native)
    for key in checked_names(compose):
        if "${" not in compose[key] and not any(v in compose[key] for v in COMPOSE_SITE.values()):
            assert native[key] == compose[key], key  # a plain value: identical, not just the same name


def test_secrets_are_generated_per_run_and_never_the_placeholder() -> None:
    example = parse_env_file(ENV_EXAMPLE)
    first, second = dotenv_values(), dotenv_values()
    for key, value in example.items():
        if value == "CHANGE_ME":
            assert first[key] != "CHANGE_ME" and first[key] != second[key], key
