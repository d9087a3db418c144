-- One row per value a report states for a field whose statements disagree (fields.md §6).
-- value_index 0 is the value kept in fct_reported_value; 1.. are the others.
with conflicts as (
    select * from {{ ref('stg_raw__conflicts') }}
),

docs as (
    select document_id, department_key, region_key, fiscal_year_key
    from {{ ref('int_documents_resolved') }}
)

select
    c.document_id,
    c.field,
    c.value_index,
    fc.label_cn                             as field_label_cn,
    fc.kind                                 as field_kind,
    coalesce(d.department_key, '-1')        as department_key,
    coalesce(d.region_key, '-1')            as region_key,
    coalesce(d.fiscal_year_key, -1)         as fiscal_year_key,
    c.value_index = 0                       as is_kept_value,
    c.value_numeric,
    c.value_text,
    count(*) over (partition by c.document_id, c.field) as n_values,
    first_value(c.value_numeric) over (
        partition by c.document_id, c.field order by c.value_index
    )                                       as kept_value_numeric,
    c.span_start,
    c.span_end,
    c.snippet,
    c._run_id,
    c._loaded_at
from conflicts as c
left join {{ ref('field_catalog') }} as fc on fc.field = c.field
left join docs as d on d.document_id = c.document_id
