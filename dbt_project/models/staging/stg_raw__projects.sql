-- One row per (document_id, line_no) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'projects'), ['document_id', 'line_no']) }}
)

select
    document_id,
    line_no,
    nullif(trim(project_name), '')                  as project_name,
    budget_amount,
    executed_amount,
    execution_rate,
    score,
    case trim(grade) when '良好' then '良' else nullif(trim(grade), '') end as grade,
    span_start,
    span_end,
    snippet,
    ocr_confidence,
    _run_id,
    _loaded_at
from src
