-- One row per (document_id, kind, line_no) from the latest load of each document.
with src as (
    {{ latest_load_rows(source('raw', 'findings'), ['document_id', 'kind', 'line_no']) }}
)

select
    document_id,
    lower(trim(kind))                               as finding_kind,
    line_no,
    text                                            as finding_text,
    span_start,
    span_end,
    _run_id,
    _loaded_at
from src
