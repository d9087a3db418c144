-- GB/T 2260 administrative divisions (province / prefecture / county level, 民政部 2024-12-31),
-- one row per code, plus the unknown member '-1'.
select
    code as region_key,
    code as region_code,
    name as region_name,
    level as region_level,
    case level when 'province' then 1 when 'prefecture' then 2 when 'county' then 3 end as level_no,
    parent_code,
    province_code,
    province_name,
    prefecture_code,
    prefecture_name,
    case when level = 'county' then code end as county_code,
    case when level = 'county' then name end as county_name,
    county_type,
    coalesce(name_ambiguous = 'Y', false) as name_ambiguous,
    coalesce(in_nbs_2023 = 'Y', false) as in_nbs_2023,
    year as code_list_year,
    false as is_unknown_member
from {{ ref('admin_divisions_gb2260_2024') }}

union all

select
    '-1', null, '未知/unknown', 'unknown', null, null, null, '未知/unknown', null, '未知/unknown',
    null, '未知/unknown', null, false, false, null, true
