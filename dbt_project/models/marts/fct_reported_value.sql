{{ config(
    materialized='incremental',
    unique_key='document_id',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=[
        "{{ drop_stale_loads(ref('stg_raw__facts')) }}"
    ]
) }}
-- One row per (document, scalar field): the value as extracted with its provenance. Contract table.
-- Incremental by document: a (document_id, _run_id) not yet in the table is (re)built; the
-- post-hook removes rows of documents that were re-loaded or removed, so an incremental run
-- ends equal to a full refresh.
with facts as (
    select * from {{ ref('stg_raw__facts') }} as f
    {{ only_new_loads('f') }}
),

catalog as (
    select * from {{ ref('field_catalog') }}
),

conflicted as (
    select distinct document_id, field from {{ ref('stg_raw__conflicts') }}
),

docs as (
    select document_id, department_key, region_key, fiscal_year_key
    from {{ ref('int_documents_resolved') }}
)

select
    f.document_id,
    f.field,
    cast(f.value_numeric as decimal(24, 6))                             as value_numeric,
    case when c.kind = 'money' then cast(f.value_numeric as decimal(18, 2)) end as value_yuan,
    f.value_text,
    f.unit_as_reported,
    f.as_reported,
    f.span_start,
    f.span_end,
    f.snippet,
    f.ocr_confidence,
    f.page,
    c.label_cn                                                          as field_label_cn,
    c.label_en                                                          as field_label_en,
    c.kind                                                              as field_kind,
    c.section                                                           as field_section,
    case when c.kind = 'money' then cast(f.printed_half_ulp_yuan as decimal(18, 4)) end
                                                                        as rounding_tolerance_yuan,
    k.document_id is not null                                           as has_conflict,
    coalesce(d.department_key, '-1')                                    as department_key,
    coalesce(d.region_key, '-1')                                        as region_key,
    coalesce(d.fiscal_year_key, -1)                                     as fiscal_year_key,
    coalesce(c.economic_class_code, '-1')                               as economic_class_key,
    f._run_id,
    f._loaded_at
from facts as f
left join catalog as c on c.field = f.field
left join conflicted as k on k.document_id = f.document_id and k.field = f.field
left join docs as d on d.document_id = f.document_id
