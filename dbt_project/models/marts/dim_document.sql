-- One row per loaded report (document_id). Contract table (docs/contracts.md §6).
-- No unknown member: every fact row comes from a document, so none can miss its document.
select
    document_id,
    source_file,
    sha256,
    department_name,
    province,
    city,
    county,
    division_code,
    fiscal_year,
    report_type,
    published_on,
    department_key,
    region_key,
    fiscal_year_key,
    region_match_method,
    title,
    document_key,
    file_format,
    extractor_version,
    is_current,
    superseded_by,
    ledger_status,
    n_facts,
    n_conflicts,
    n_warnings,
    false as is_unknown_member,
    _run_id,
    _loaded_at
from {{ ref('int_documents_resolved') }}

