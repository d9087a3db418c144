-- One row per file content (sha256) as the loader keeps it.
select
    lower(sha256)                                   as sha256,
    file_name                                       as source_file,
    source_path,
    size_bytes,
    lower(status)                                   as ledger_status,
    reason,
    document_id,
    document_key,
    duplicate_of,
    superseded_by,
    first_run_id,
    run_id,
    first_seen_at,
    updated_at
from {{ source('meta', 'ingest_ledger') }}
