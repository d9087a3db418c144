-- Budget execution per region (county-level unit, or the prefecture / province a department sits in)
-- and fiscal year: planned spending from current budget reports, executed spending from current
-- final-accounts reports, and execution over the departments that published both.
with fin as (
    select *
    from {{ ref('fct_department_finance') }}
    where is_current and fiscal_year is not null
),

executed as (
    {{ latest_report_per_department_year('fin', 'final_accounts') }}
),

planned as (
    {{ latest_report_per_department_year('fin', 'budget') }}
),

pairs as (
    select
        coalesce(e.region_key, p.region_key)            as region_key,
        coalesce(e.fiscal_year, p.fiscal_year)          as fiscal_year,
        coalesce(e.department_key, p.department_key)    as department_key,
        e.expenditure_total                             as executed,
        p.expenditure_total                             as planned,
        e.budget_execution_rate                         as printed_execution_rate,
        e.document_id is not null                       as has_final_accounts,
        p.document_id is not null                       as has_budget
    from executed as e
    full outer join planned as p
        on p.department_key = e.department_key and p.fiscal_year = e.fiscal_year
        and e.department_key <> '-1'
)

select
    pr.region_key,
    r.region_name,
    r.region_level,
    r.province_name,
    r.prefecture_name,
    pr.fiscal_year                                      as fiscal_year_key,
    pr.fiscal_year,
    count(distinct pr.department_key) filter (where pr.has_final_accounts) as n_departments_final_accounts,
    count(distinct pr.department_key) filter (where pr.has_budget)         as n_departments_budget,
    count(distinct pr.department_key) filter (where pr.has_final_accounts and pr.has_budget
                                              and pr.executed is not null and pr.planned is not null)
                                                        as n_departments_both,
    sum(pr.executed)                                    as expenditure_executed,
    sum(pr.planned)                                     as expenditure_planned,
    sum(pr.executed) filter (where pr.executed is not null and pr.planned is not null)
                                                        as expenditure_executed_matched,
    sum(pr.planned) filter (where pr.executed is not null and pr.planned is not null)
                                                        as expenditure_planned_matched,
    cast(
        sum(pr.executed) filter (where pr.executed is not null and pr.planned is not null)
        / nullif(sum(pr.planned) filter (where pr.executed is not null and pr.planned is not null), 0)
        as decimal(12, 6))                              as execution_ratio_matched,
    cast(avg(pr.printed_execution_rate) as decimal(12, 6)) as avg_printed_budget_execution_rate,
    count(pr.printed_execution_rate)                    as n_printed_execution_rates
from pairs as pr
left join {{ ref('dim_region') }} as r on r.region_key = pr.region_key
group by all
