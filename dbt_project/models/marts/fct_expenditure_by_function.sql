{{ config(
    materialized='incremental',
    unique_key='document_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=[
        "{{ drop_stale_loads(ref('stg_raw__line_items')) }}"
    ]
) }}
-- One row per printed spending-by-function line (类/款/项) with resolved function class keys.
-- Sum `amount` over rows with counts_toward_total to get a document's total without double counting.
with lines as (
    select * from {{ ref('int_line_items_resolved') }} as l
    {{ only_new_loads('l') }}
),

docs as (
    select document_id, department_key, region_key, fiscal_year_key, report_type
    from {{ ref('int_documents_resolved') }}
)

select
    l.document_id,
    l.line_no,
    coalesce(d.department_key, '-1')        as department_key,
    coalesce(d.region_key, '-1')            as region_key,
    coalesce(d.fiscal_year_key, -1)         as fiscal_year_key,
    d.report_type,
    l.function_class_key,
    l.class_key                             as function_class_class_key,
    l.section_key                           as function_class_section_key,
    l.line_level,
    l.class_name,
    l.section_name,
    l.item_name,
    l.name_as_printed,
    l.function_code_printed,
    l.code_resolution_method,
    l.printed_code_disagrees_with_names,
    l.amount,
    l.budget_amount,
    l.completion_rate,
    l.counts_toward_total,
    cast(l.amount_half_ulp_yuan as decimal(18, 4)) as amount_rounding_tolerance_yuan,
    l.span_start,
    l.span_end,
    l.page,
    l.snippet,
    l.ocr_confidence,
    l._run_id,
    l._loaded_at
from lines as l
left join docs as d on d.document_id = l.document_id
