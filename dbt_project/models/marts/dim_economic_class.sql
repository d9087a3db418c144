-- 支出经济分类科目, department (部门预算, 3xx) and government (政府预算, 5xx) schemes,
-- plus the unknown / not-applicable member '-1'.
with ec as (
    select * from {{ ref('expenditure_economic_classification') }}
)

select
    ec.code as economic_class_key,
    ec.code as economic_code,
    ec.name as economic_name,
    ec.level as economic_level,
    case ec.level when 'class' then 1 when 'section' then 2 end as level_no,
    ec.parent_code,
    left(ec.code, 3) as class_code,
    c.name as class_name,
    ec.scheme,
    ec.scheme_cn,
    ec.verification,
    ec.evidence,
    false as is_unknown_member
from ec
left join ec as c on c.code = left(ec.code, 3) and c.level = 'class'

union all

select '-1', null, '未知或不适用/unknown or not applicable', 'unknown', null, null, null, null,
    null, null, null, null, true
