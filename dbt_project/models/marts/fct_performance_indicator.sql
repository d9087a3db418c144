-- One row per performance indicator (三级指标) with target vs actual. Where both are numeric,
-- is_target_met compares them in the direction the target text states (≤/不高于/低于 → at most,
-- otherwise at least), and completion_ratio = actual / target.
with ind as (
    select
        *,
        case
            when regexp_matches(coalesce(target_text, ''), '^\s*(≤|<|＜|不高于|不超过|低于|小于|少于)')
                then 'at_most'
            else 'at_least'
        end as target_direction
    from {{ ref('stg_raw__indicators') }}
),

docs as (
    select document_id, department_key, region_key, fiscal_year_key, report_type
    from {{ ref('int_documents_resolved') }}
)

select
    i.document_id,
    i.line_no,
    coalesce(d.department_key, '-1')        as department_key,
    coalesce(d.region_key, '-1')            as region_key,
    coalesce(d.fiscal_year_key, -1)         as fiscal_year_key,
    i.project_name,
    i.level1,
    i.level2,
    i.level3,
    i.target_text,
    i.actual_text,
    i.target_value,
    i.actual_value,
    i.unit,
    i.target_direction,
    i.target_value is not null and i.actual_value is not null as is_numeric,
    case
        when i.target_value is null or i.actual_value is null then null
        when i.target_direction = 'at_most' then i.actual_value <= i.target_value
        else i.actual_value >= i.target_value
    end                                     as is_target_met,
    case
        when i.target_value > 0 and i.actual_value is not null
            then cast(i.actual_value / i.target_value as decimal(18, 6))
    end                                     as completion_ratio,
    i.span_start,
    i.span_end,
    i.snippet,
    i.ocr_confidence,
    i._run_id,
    i._loaded_at
from ind as i
left join docs as d on d.document_id = i.document_id
