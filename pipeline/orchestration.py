"""Names the DAGs share (no Airflow import here: `pipeline` must not depend on Airflow)."""

#: The one-slot pool every task that writes the DuckDB work file runs in.
WRITER_POOL = "duckdb_writer"
#: Emitted by ingestion when validated documents reached `raw`; schedules the warehouse build.
RAW_ASSET_URI = "fiscal://warehouse/raw"
#: Emitted when a new read-only serving copy has been published.
PUBLISHED_ASSET_URI = "fiscal://warehouse/published"
INGEST_DAG_ID = "fiscal_ingest"
WAREHOUSE_DAG_ID = "fiscal_warehouse"
REEXTRACT_DAG_ID = "fiscal_reextract"
