-- One row per (document_id, field, value_index) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'conflicts'), ['document_id', 'field', 'value_index']) }}
)

select
    document_id,
    trim(field)                                     as field,
    value_index,
    value_numeric,
    nullif(trim(value_text), '')                    as value_text,
    span_start,
    span_end,
    snippet,
    _run_id,
    _loaded_at
from src
