"""Superset configuration for the fiscal warehouse's BI service.

Used as is by the compose service `superset` (SUPERSET_CONFIG_PATH=/app/superset_config.py) and by
the native integration test (tests/integration), which runs Superset 6.1.0 from var/superset with
this same file. Everything site-specific comes from the environment:

* SUPERSET_SECRET_KEY (required; from .env, generated per run by the test),
* SUPERSET_METADATA_URI (default: SQLite in SUPERSET_HOME, the `superset-home` volume),
* FISCAL_WAREHOUSE, read by bootstrap.py for the read-only DuckDB connection.
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]

_home = os.environ.get("SUPERSET_HOME", "/app/superset_home")
SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI", f"sqlite:///{_home}/superset.db")

# The published warehouse is the only analytics database; it is opened read-only (see bootstrap.py)
# and swapped under the readers by the pipeline's atomic publish, so no result cache may outlive a run.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 300}

# SQL Lab runs synchronously (no Celery workers for Superset in this deployment).
SQLLAB_ASYNC_TIME_LIMIT_SEC = 300
SQLLAB_TIMEOUT = 120
SUPERSET_WEBSERVER_TIMEOUT = 120
ROW_LIMIT = 50000

# Nothing phones home: no telemetry, no example data fetched from the internet.
SCARF_ANALYTICS = False
FEATURE_FLAGS = {"ENABLE_TEMPLATE_PROCESSING": False}

# Behind a reverse proxy, set ENABLE_PROXY_FIX and TALISMAN; for the local service keep the defaults.
WTF_CSRF_ENABLED = True
