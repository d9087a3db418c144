-- One row per pipeline run.
select
    run_id,
    started_at,
    finished_at,
    lower(status)                                   as run_status,
    extractor_version,
    inbox,
    files_seen,
    files_new,
    loaded,
    quarantined,
    duplicates,
    already_loaded,
    superseded,
    warnings,
    summary_json
from {{ source('meta', 'runs') }}
