-- One row per expectation result; exact repeats collapsed.
select distinct
    validation_id,
    run_id,
    document_id,
    expectation,
    lower(severity)                                 as severity,
    success,
    detail
from {{ source('meta', 'validation_results') }}
