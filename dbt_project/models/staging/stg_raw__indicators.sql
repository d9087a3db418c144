-- One row per (document_id, line_no) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'indicators'), ['document_id', 'line_no']) }}
)

select
    document_id,
    line_no,
    nullif(trim(project_name), '')                  as project_name,
    nullif(trim(level1), '')                        as level1,
    nullif(trim(level2), '')                        as level2,
    nullif(trim(level3), '')                        as level3,
    nullif(trim(target_text), '')                   as target_text,
    nullif(trim(actual_text), '')                   as actual_text,
    target_value,
    actual_value,
    nullif(trim(unit), '')                          as unit,
    span_start,
    span_end,
    snippet,
    ocr_confidence,
    _run_id,
    _loaded_at
from src
