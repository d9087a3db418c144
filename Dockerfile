# The project image: Airflow 3 + the pipeline packages, installed from the pinned lock (uv.lock, with hashes).
FROM python:3.11-slim-bookworm

ARG UV_VERSION=0.13.8
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_COMPILE_BYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    AIRFLOW_HOME=/opt/airflow \
    FISCAL_STATE=/data/state \
    FISCAL_INBOX=/data/inbox \
    FISCAL_WAREHOUSE=/data/warehouse/fiscal.duckdb \
    DBT_SEND_ANONYMOUS_USAGE_STATS=False

RUN pip install --no-cache-dir "uv==${UV_VERSION}" \
 && groupadd --gid 50000 airflow && useradd --uid 50000 --gid 50000 --create-home airflow \
 && mkdir -p /opt/airflow /data/state /data/inbox /data/warehouse /app \
 && chown -R airflow:airflow /opt/airflow /data /app

WORKDIR /app
COPY --chown=airflow:airflow pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --extra ocr --no-install-project
COPY --chown=airflow:airflow extract ./extract
COPY --chown=airflow:airflow pipeline ./pipeline
COPY --chown=airflow:airflow synth ./synth
COPY --chown=airflow:airflow dags ./dags
COPY --chown=airflow:airflow dbt_project ./dbt_project
COPY --chown=airflow:airflow expectations ./expectations
RUN uv sync --frozen --no-dev --extra ocr

ENV AIRFLOW__CORE__DAGS_FOLDER=/app/dags
USER airflow
