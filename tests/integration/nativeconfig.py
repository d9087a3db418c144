"""The native stack's environment, read from deploy/native/*.env, and its check against docker-compose.yml.

`deploy/native/airflow.env` holds the x-airflow-common environment once, with compose-style
`${NAME}` references; `deploy/native/native.env` adds what containers get from their image and
port mappings. `compose_drift()` lists every difference between the compose block and airflow.env
rendered with the compose site values: the test suite requires it to be empty.
"""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
COMPOSE = REPO_ROOT / "docker-compose.yml"
ENV_EXAMPLE = REPO_ROOT / ".env.example"
AIRFLOW_ENV = REPO_ROOT / "deploy" / "native" / "airflow.env"
NATIVE_ENV = REPO_ROOT / "deploy" / "native" / "native.env"

#: The site names of airflow.env as the compose deployment resolves them.
COMPOSE_SITE = {
    "PG_HOST": "postgres",
    "REDIS_HOST": "redis:6379",
    "API_HOST": "airflow-apiserver:8080",
    "APP_DIR": "/app",
    "DATA_DIR": "/data",
}

_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_CHECKED = re.compile(r"^(AIRFLOW__|FISCAL_)")


def parse_env_file(path: Path) -> dict[str, str]:
    """KEY=value lines (no quoting, no export); comments and blank lines skipped; order kept."""
    out: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not sep:
            raise ValueError(f"{path}: not KEY=value: {line!r}")
        out[key.strip()] = value
    return out


def interpolate(value: str, names: dict[str, str], *, keep_unknown: bool = False) -> str:
    """Compose semantics: `${X}` is X's value, `${X:-d}` falls back to d when X is unset or empty."""

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        if names.get(name):
            return names[name]
        if keep_unknown:
            return m.group(0)
        if default is not None:
            return default
        if name in names:
            return ""
        raise KeyError(f"{name} is not defined (referenced as {m.group(0)})")

    return _REF.sub(sub, value)


def compose_common_env() -> dict[str, str]:
    """docker-compose.yml's `x-airflow-common.environment`, values as strings."""
    doc = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return {k: str(v) for k, v in doc["x-airflow-common"]["environment"].items()}


def rendered_for_compose() -> dict[str, str]:
    """airflow.env with the compose site values; .env references stay `${...}` as compose writes them."""
    return {k: interpolate(v, COMPOSE_SITE, keep_unknown=True) for k, v in parse_env_file(AIRFLOW_ENV).items()}


def compose_drift() -> list[str]:
    """Every AIRFLOW__*/FISCAL_* (and other) name or value that differs between compose and airflow.env."""
    compose = compose_common_env()
    native = rendered_for_compose()
    problems = []
    for key in sorted(set(compose) | set(native)):
        if key not in native:
            problems.append(f"{key}: in docker-compose.yml x-airflow-common, missing from {AIRFLOW_ENV.name}")
        elif key not in compose:
            problems.append(f"{key}: in {AIRFLOW_ENV.name}, missing from docker-compose.yml x-airflow-common")
        elif compose[key] != native[key]:
            problems.append(f"{key}: compose {compose[key]!r} != native (compose site) {native[key]!r}")
    # native.env may set .env names (like .env does), never a shared variable directly
    overlap = (set(parse_env_file(NATIVE_ENV)) - set(parse_env_file(ENV_EXAMPLE))) & set(native)
    problems += [f"{key}: native.env must not override the shared value" for key in sorted(overlap)]
    return problems


def checked_names(env: dict[str, str]) -> set[str]:
    return {k for k in env if _CHECKED.match(k)}


def generate_secret(name: str) -> str:
    if name == "AIRFLOW_FERNET_KEY":
        from cryptography.fernet import Fernet

        return Fernet.generate_key().decode()
    # 64 hex characters: long enough for JWT HMAC-SHA512, and safe unquoted in connection URLs
    return secrets.token_hex(32)


def dotenv_values() -> dict[str, str]:
    """The native `.env`: .env.example, every CHANGE_ME generated, overridden by native.env's .env names."""
    example = parse_env_file(ENV_EXAMPLE)
    values = {k: (generate_secret(k) if v == "CHANGE_ME" else v) for k, v in example.items()}
    for key, value in parse_env_file(NATIVE_ENV).items():
        if key in example:
            values[key] = value
    return values


def native_env(site: dict[str, str], dotenv: dict[str, str]) -> dict[str, str]:
    """Every variable the native Airflow processes get on top of a clean base environment."""
    names = {**dotenv, **site}
    env = {k: interpolate(v, names) for k, v in parse_env_file(AIRFLOW_ENV).items()}
    for key, value in parse_env_file(NATIVE_ENV).items():
        if key not in dotenv:
            env[key] = interpolate(value, names)
    return env
