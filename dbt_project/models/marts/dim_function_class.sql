-- 支出功能分类科目 (类/款/项) with code, level and hierarchy, plus the unknown member '-1'.
with fc as (
    select * from {{ ref('gov_function_classification_2024') }}
)

select
    fc.code as function_class_key,
    fc.code as function_code,
    fc.name as function_name,
    fc.level as function_level,
    case fc.level when 'class' then 1 when 'section' then 2 when 'item' then 3 end as level_no,
    fc.parent_code,
    left(fc.code, 3) as class_code,
    c.name as class_name,
    case when fc.level in ('section', 'item') then left(fc.code, 5) end as section_code,
    s.name as section_name,
    case when fc.level = 'item' then fc.code end as item_code,
    case when fc.level = 'item' then fc.name end as item_name,
    concat_ws(' / ', c.name, s.name, case when fc.level = 'item' then fc.name end) as hierarchy_path,
    fc.budget,
    fc.year as code_list_year,
    fc.verification,
    fc.evidence,
    false as is_unknown_member
from fc
left join fc as c on c.code = left(fc.code, 3) and c.level = 'class'
left join fc as s on s.code = left(fc.code, 5) and s.level = 'section' and fc.level in ('section', 'item')

union all

select
    '-1', null, '未知/unknown', 'unknown', null, null, null, '未知/unknown', null, null, null, null,
    '未知/unknown', null, null, null, null, true
