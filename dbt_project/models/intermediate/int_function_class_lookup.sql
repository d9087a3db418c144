-- Name lookup for the 支出功能分类 (类/款/项): one row per (level, parent code, normalised name)
-- that identifies exactly one code, including the pre-reform names of the aliases seed.
with fc as (
    select code, level, name, parent_code
    from {{ ref('gov_function_classification_2024') }}
),

names as (
    select level, parent_code, {{ normalise_name('name') }} as name_normalised, code, 'current_name' as name_source
    from fc
    union all
    select
        a.level,
        fc.parent_code,
        {{ normalise_name('a.old_name') }},
        a.code,
        'alias'
    from {{ ref('gov_function_classification_aliases') }} as a
    inner join fc on fc.code = a.code
)

select
    level,
    coalesce(parent_code, '') as parent_code,
    name_normalised,
    min(code) as code,
    min(name_source) as name_source
from names
group by level, coalesce(parent_code, ''), name_normalised
having count(distinct code) = 1
