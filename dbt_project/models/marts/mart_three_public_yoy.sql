-- “三公”经费 year over year per department: one row per (department, fiscal year) that has a current
-- final-accounts report (executed) or budget report (planned); executed and planned totals and parts,
-- with the change against the department's previous fiscal year.
with fin as (
    select *
    from {{ ref('fct_department_finance') }}
    where is_current and department_key <> '-1' and fiscal_year is not null
),

executed as (
    {{ latest_report_per_department_year('fin', 'final_accounts') }}
),

planned as (
    {{ latest_report_per_department_year('fin', 'budget') }}
),

years as (
    select department_key, fiscal_year from executed
    union
    select department_key, fiscal_year from planned
),

joined as (
    select
        y.department_key,
        y.fiscal_year,
        e.document_id                                   as final_accounts_document_id,
        p.document_id                                   as budget_document_id,
        coalesce(e.region_key, p.region_key)            as region_key,
        e.three_public_total,
        e.three_public_overseas,
        e.three_public_vehicles,
        e.three_public_reception,
        e.three_public_budget                           as three_public_budget_printed,
        p.three_public_total                            as three_public_total_planned
    from years as y
    left join executed as e on e.department_key = y.department_key and e.fiscal_year = y.fiscal_year
    left join planned as p on p.department_key = y.department_key and p.fiscal_year = y.fiscal_year
)

select
    j.department_key,
    dd.department_name,
    j.region_key,
    j.fiscal_year                                       as fiscal_year_key,
    j.fiscal_year,
    j.final_accounts_document_id,
    j.budget_document_id,
    j.three_public_total,
    j.three_public_overseas,
    j.three_public_vehicles,
    j.three_public_reception,
    j.three_public_budget_printed,
    j.three_public_total_planned,
    prev.three_public_total                             as prior_year_three_public_total,
    j.three_public_total - prev.three_public_total      as yoy_change,
    case when prev.three_public_total > 0
         then cast((j.three_public_total - prev.three_public_total) / prev.three_public_total as decimal(12, 6))
    end                                                 as yoy_change_ratio,
    prev.three_public_total_planned                     as prior_year_three_public_total_planned,
    j.three_public_total_planned - prev.three_public_total_planned as yoy_change_planned,
    case when j.three_public_total_planned > 0
         then cast(j.three_public_total / j.three_public_total_planned as decimal(12, 6))
    end                                                 as execution_vs_plan_ratio
from joined as j
left join joined as prev
    on prev.department_key = j.department_key and prev.fiscal_year = j.fiscal_year - 1
left join {{ ref('dim_department') }} as dd on dd.department_key = j.department_key
