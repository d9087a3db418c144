-- raw.warnings has no line number: rows of the latest load of each document, exact repeats
-- collapsed, numbered in span order to give a key (document_id, warning_no).
with src as (
    {{ latest_load_rows(source('raw', 'warnings'),
        ['document_id', 'code', 'message', 'field', 'span_start', 'span_end']) }}
)

select
    document_id,
    cast(row_number() over (
        partition by document_id
        order by span_start nulls first, span_end nulls first, code, field, message
    ) as integer)                                   as warning_no,
    nullif(trim(code), '')                          as warning_code,
    message                                         as warning_message,
    nullif(trim(field), '')                         as field,
    span_start,
    span_end,
    _run_id,
    _loaded_at
from src
