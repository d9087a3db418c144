-- One row per validation (gate on incoming, or audit of the marts).
select
    validation_id,
    run_id,
    suite,
    lower(stage)                                    as stage,
    success,
    evaluated,
    failed_critical,
    failed_warning,
    started_at,
    finished_at,
    gx_result_json
from {{ source('meta', 'validation_runs') }}
