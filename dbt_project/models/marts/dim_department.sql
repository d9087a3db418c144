-- A department across years: one row per department_key (normalised name + county-level code),
-- with every printed name variant kept. Plus the unknown member '-1'.
with docs as (
    select * from {{ ref('int_documents_resolved') }}
    where department_key <> '-1'
),

variants as (
    select
        department_key,
        string_agg(distinct department_name, ' | ' order by department_name) as name_variants,
        count(distinct department_name) as n_name_variants
    from docs
    group by department_key
),

latest as (
    select *
    from docs
    qualify row_number() over (
        partition by department_key
        order by fiscal_year desc nulls last, _loaded_at desc, document_id desc
    ) = 1
),

spans as (
    select
        department_key,
        min(fiscal_year) as first_fiscal_year,
        max(fiscal_year) as last_fiscal_year,
        count(*) as n_documents
    from docs
    group by department_key
)

select
    l.department_key,
    l.department_name,
    l.department_name_normalised,
    v.name_variants,
    v.n_name_variants,
    coalesce(nullif(l.region_key, '-1'), l.division_code) as division_code,
    l.region_key,
    l.province,
    l.city,
    l.county,
    s.first_fiscal_year,
    s.last_fiscal_year,
    s.n_documents,
    false as is_unknown_member
from latest as l
inner join variants as v on v.department_key = l.department_key
inner join spans as s on s.department_key = l.department_key

union all

select
    '-1', '未知/unknown', null, null, 0, null, '-1', null, null, null, null, null, 0, true
