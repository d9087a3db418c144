-- One row per (document_id, field) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'facts'), ['document_id', 'field']) }}
)

select
    document_id,
    trim(field)                                     as field,
    value_numeric,
    case
        when trim(field) = 'performance_grade' and trim(value_text) = '良好' then '良'
        else nullif(trim(value_text), '')
    end                                             as value_text,
    nullif(trim(unit_as_reported), '')              as unit_as_reported,
    as_reported,
    span_start,
    span_end,
    page,
    snippet,
    ocr_confidence,
    {{ printed_half_ulp_yuan('as_reported', 'unit_as_reported') }} as printed_half_ulp_yuan,
    _run_id,
    _loaded_at
from src
