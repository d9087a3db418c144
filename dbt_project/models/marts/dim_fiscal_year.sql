-- Fiscal (budget) years: 2010-2035 and any year a document names outside it, plus unknown -1.
-- A Chinese fiscal year is the calendar year.
with years as (
    select unnest(generate_series(2010, 2035)) as fiscal_year
    union
    select fiscal_year from {{ ref('int_documents_resolved') }} where fiscal_year is not null
)

select
    fiscal_year as fiscal_year_key,
    fiscal_year,
    cast(fiscal_year as varchar) || '年度' as fiscal_year_label,
    make_date(fiscal_year, 1, 1) as starts_on,
    make_date(fiscal_year, 12, 31) as ends_on,
    false as is_unknown_member
from years

union all

select -1, null, '未知/unknown', null, null, true
