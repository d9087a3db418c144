-- Spending-by-function lines with their 类/款/项 resolved against the classification seed.
--   line_level: item (项) when an item name or a 7-digit code is printed, section (款) for a
--   5-digit code or a section name only, class (类) otherwise.
--   Code: the printed code when it is in the seed; else the printed names of 类, 款 and 项 all
--   matching one seed row (aliases for pre-reform names); else the unknown member '-1'.
--   counts_toward_total: the line has no printed ancestor line (a 类 or 款 subtotal) in the same
--   document, so summing these lines gives the document total without double counting.
with lines as (
    select
        *,
        {{ normalise_name('class_name') }}   as class_name_normalised,
        {{ normalise_name('section_name') }} as section_name_normalised,
        {{ normalise_name('item_name') }}    as item_name_normalised,
        case
            when item_name is not null or length(function_code_printed) = 7 then 'item'
            when section_name is not null or length(function_code_printed) = 5 then 'section'
            when class_name is not null or length(function_code_printed) = 3 then 'class'
            else 'unknown'
        end as line_level
    from {{ ref('stg_raw__line_items') }}
),

seed as (
    select code, level from {{ ref('gov_function_classification_2024') }}
),

lookup as (
    select * from {{ ref('int_function_class_lookup') }}
),

by_name as (
    select
        l.document_id,
        l.line_no,
        c.code as class_code_by_name,
        s.code as section_code_by_name,
        i.code as item_code_by_name
    from lines as l
    left join lookup as c
        on c.level = 'class' and c.parent_code = '' and c.name_normalised = l.class_name_normalised
    left join lookup as s
        on s.level = 'section' and s.parent_code = c.code and s.name_normalised = l.section_name_normalised
    left join lookup as i
        on i.level = 'item' and i.parent_code = s.code and i.name_normalised = l.item_name_normalised
),

resolved as (
    select
        l.*,
        p.code is not null                                              as printed_code_in_seed,
        case l.line_level
            when 'item' then b.item_code_by_name
            when 'section' then b.section_code_by_name
            when 'class' then b.class_code_by_name
        end                                                             as code_by_name,
        b.class_code_by_name,
        b.section_code_by_name
    from lines as l
    left join by_name as b on b.document_id = l.document_id and b.line_no = l.line_no
    left join seed as p on p.code = l.function_code_printed
),

keyed as (
    select
        r.*,
        case when r.printed_code_in_seed then r.function_code_printed else r.code_by_name end as function_code,
        case
            when r.printed_code_in_seed then 'printed_code'
            when r.code_by_name is not null then 'name_match'
            when r.function_code_printed is not null then 'printed_code_not_in_seed'
            else 'unresolved'
        end                                                             as code_resolution_method,
        r.printed_code_in_seed and r.code_by_name is not null
            and r.code_by_name <> r.function_code_printed               as printed_code_disagrees_with_names
    from resolved as r
),

with_keys as materialized (
    select
        k.*,
        coalesce(k.function_code, '-1')                                 as function_class_key,
        coalesce(cs.code, k.class_code_by_name, '-1')                   as class_key,
        case when k.line_level in ('section', 'item')
             then coalesce(ss.code, k.section_code_by_name, '-1') end   as section_key,
        -- identities used to find printed ancestor lines (code when known, else the names)
        coalesce(cs.code, k.class_code_by_name, 'name:' || k.class_name_normalised) as class_identity,
        coalesce(ss.code, k.section_code_by_name,
                 'name:' || k.class_name_normalised || '/' || k.section_name_normalised) as section_identity
    from keyed as k
    left join seed as cs on cs.code = left(k.function_code, 3) and cs.level = 'class'
    left join seed as ss on ss.code = left(k.function_code, 5) and ss.level = 'section'
),

class_lines as (
    select distinct document_id, class_identity from with_keys where line_level = 'class'
),

section_lines as (
    select distinct document_id, section_identity from with_keys where line_level = 'section'
)

select
    w.document_id,
    w.line_no,
    w.line_level,
    w.class_name,
    w.section_name,
    w.item_name,
    w.name_as_printed,
    w.function_code_printed,
    w.function_code,
    w.function_class_key,
    w.class_key,
    w.section_key,
    w.code_resolution_method,
    coalesce(w.printed_code_disagrees_with_names, false)                as printed_code_disagrees_with_names,
    w.amount,
    w.budget_amount,
    w.completion_rate,
    case
        when w.line_level = 'class' then true
        when w.line_level = 'section' then cl.class_identity is null
        when w.line_level = 'item' then cl.class_identity is null and sl.section_identity is null
        else true
    end                                                                 as counts_toward_total,
    -- rounding tolerance of a printed amount, inferred from its digits (万元 with 2 decimals -> ±50)
    case
        when w.amount is null then 0
        when w.amount % 100 = 0 then 50
        when w.amount % 1 = 0 then 0.5
        else 0.005
    end                                                                 as amount_half_ulp_yuan,
    w.span_start,
    w.span_end,
    w.page,
    w.snippet,
    w.ocr_confidence,
    w._run_id,
    w._loaded_at
from with_keys as w
-- equality-only joins (a left-side filter in ON made DuckDB fall back to a slow join)
left join class_lines as cl
    on cl.document_id = w.document_id and cl.class_identity = w.class_identity
left join section_lines as sl
    on sl.document_id = w.document_id and sl.section_identity = w.section_identity
