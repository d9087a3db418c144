-- One row per document that reports a department-level performance result (a performance
-- evaluation report, or a final-accounts report with a 绩效 annex): score, printed grade, the grade
-- band of the score, execution rate, target count and counts of indicators, projects and findings.
with docs as (
    select * from {{ ref('int_documents_resolved') }}
),

finance as (
    select * from {{ ref('int_facts_pivoted') }}
),

bands as (
    select * from {{ ref('performance_grade_bands') }}
),

indicators as (
    select
        document_id,
        count(*) as n_indicators,
        count(*) filter (where is_numeric) as n_indicators_numeric,
        count(*) filter (where is_target_met) as n_indicators_met
    from {{ ref('fct_performance_indicator') }}
    group by document_id
),

projects as (
    select document_id, count(*) as n_projects
    from {{ ref('stg_raw__projects') }}
    group by document_id
),

findings as (
    select
        document_id,
        count(*) filter (where finding_kind = 'problem') as n_problems,
        count(*) filter (where finding_kind = 'remedy') as n_remedies
    from {{ ref('stg_raw__findings') }}
    group by document_id
),

score_conflicts as (
    select distinct document_id
    from {{ ref('stg_raw__conflicts') }}
    where field = 'performance_score'
)

select
    d.document_id,
    d.department_key,
    d.region_key,
    d.fiscal_year_key,
    d.fiscal_year,
    d.report_type,
    d.is_current,
    f.performance_score,
    f.performance_grade,
    b.grade                                              as grade_from_score,
    case when f.performance_grade is not null and b.grade is not null
         then f.performance_grade = b.grade end          as grade_matches_score,
    f.budget_execution_rate,
    f.performance_target_count,
    coalesce(i.n_indicators, 0)                          as n_indicators,
    coalesce(i.n_indicators_numeric, 0)                  as n_indicators_numeric,
    coalesce(i.n_indicators_met, 0)                      as n_indicators_met,
    coalesce(p.n_projects, 0)                            as n_projects,
    coalesce(fi.n_problems, 0)                           as n_problems,
    coalesce(fi.n_remedies, 0)                           as n_remedies,
    sc.document_id is not null                           as has_score_conflict,
    d._run_id,
    d._loaded_at
from docs as d
inner join finance as f on f.document_id = d.document_id
left join bands as b
    on f.performance_score >= b.min_score_inclusive
    and (f.performance_score < b.max_score_exclusive
         or (b.max_score_exclusive = 100 and f.performance_score <= 100))
left join indicators as i on i.document_id = d.document_id
left join projects as p on p.document_id = d.document_id
left join findings as fi on fi.document_id = d.document_id
left join score_conflicts as sc on sc.document_id = d.document_id
where d.report_type = 'performance_evaluation'
   or f.performance_score is not null
   or f.performance_grade is not null
