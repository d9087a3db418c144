-- One row per (document_id, line_no) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'line_items'), ['document_id', 'line_no']) }}
)

select
    document_id,
    line_no,
    nullif(trim(class_name), '')                    as class_name,
    nullif(trim(section_name), '')                  as section_name,
    nullif(trim(item_name), '')                     as item_name,
    nullif(regexp_replace(coalesce(code, ''), '[^0-9]', '', 'g'), '') as function_code_printed,
    amount,
    budget_amount,
    completion_rate,
    name_as_printed,
    span_start,
    span_end,
    page,
    snippet,
    ocr_confidence,
    _run_id,
    _loaded_at
from src
