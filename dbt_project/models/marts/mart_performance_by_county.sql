-- Department performance self-evaluation per region and fiscal year: how many departments
-- evaluated, score statistics, grade distribution, execution rate and indicator completion.
with ev as (
    select *
    from {{ ref('fct_performance_evaluation') }}
    where is_current and fiscal_year is not null
    qualify row_number() over (
        partition by department_key, fiscal_year
        order by (report_type = 'performance_evaluation') desc, _loaded_at desc, document_id
    ) = 1
)

select
    ev.region_key,
    r.region_name,
    r.region_level,
    r.province_name,
    r.prefecture_name,
    ev.fiscal_year                                      as fiscal_year_key,
    ev.fiscal_year,
    count(*)                                            as n_evaluations,
    count(ev.performance_score)                         as n_scored,
    cast(avg(ev.performance_score) as decimal(6, 2))    as avg_score,
    min(ev.performance_score)                           as min_score,
    max(ev.performance_score)                           as max_score,
    count(*) filter (where coalesce(ev.performance_grade, ev.grade_from_score) = '优') as n_grade_excellent,
    count(*) filter (where coalesce(ev.performance_grade, ev.grade_from_score) = '良') as n_grade_good,
    count(*) filter (where coalesce(ev.performance_grade, ev.grade_from_score) = '中') as n_grade_fair,
    count(*) filter (where coalesce(ev.performance_grade, ev.grade_from_score) = '差') as n_grade_poor,
    count(*) filter (where ev.has_score_conflict)       as n_score_conflicts,
    cast(avg(ev.budget_execution_rate) as decimal(12, 6)) as avg_budget_execution_rate,
    cast(sum(ev.n_indicators_numeric) as bigint)       as n_indicators_numeric,
    cast(sum(ev.n_indicators_met) as bigint)           as n_indicators_met,
    cast(sum(ev.n_indicators_met) / nullif(sum(ev.n_indicators_numeric), 0) as decimal(12, 6))
                                                        as indicators_met_ratio
from ev
left join {{ ref('dim_region') }} as r on r.region_key = ev.region_key
group by all
