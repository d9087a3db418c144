-- One row per numbered problem (存在的问题) or remedy (改进建议 / 整改措施) of a report.
with docs as (
    select document_id, department_key, region_key, fiscal_year_key, report_type
    from {{ ref('int_documents_resolved') }}
)

select
    f.document_id,
    f.finding_kind,
    case f.finding_kind when 'problem' then '存在问题' when 'remedy' then '改进措施' end as finding_kind_cn,
    f.line_no,
    coalesce(d.department_key, '-1')        as department_key,
    coalesce(d.region_key, '-1')            as region_key,
    coalesce(d.fiscal_year_key, -1)         as fiscal_year_key,
    f.finding_text,
    f.span_start,
    f.span_end,
    f._run_id,
    f._loaded_at
from {{ ref('stg_raw__findings') }} as f
left join docs as d on d.document_id = f.document_id
