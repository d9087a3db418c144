-- One row per project evaluated inside a report (项目支出绩效自评): budget, executed amount,
-- execution rate (printed and recomputed), score, printed grade and the grade band of the score.
with projects as (
    select * from {{ ref('stg_raw__projects') }}
),

bands as (
    select * from {{ ref('performance_grade_bands') }}
),

docs as (
    select document_id, department_key, region_key, fiscal_year_key, report_type
    from {{ ref('int_documents_resolved') }}
)

select
    p.document_id,
    p.line_no,
    coalesce(d.department_key, '-1')        as department_key,
    coalesce(d.region_key, '-1')            as region_key,
    coalesce(d.fiscal_year_key, -1)         as fiscal_year_key,
    p.project_name,
    p.budget_amount,
    p.executed_amount,
    p.execution_rate,
    case when p.budget_amount > 0
         then cast(p.executed_amount / p.budget_amount as decimal(12, 6)) end as execution_rate_computed,
    p.score,
    p.grade,
    b.grade                                 as grade_from_score,
    case when p.grade is not null and b.grade is not null then p.grade = b.grade end as grade_matches_score,
    p.span_start,
    p.span_end,
    p.snippet,
    p.ocr_confidence,
    p._run_id,
    p._loaded_at
from projects as p
left join bands as b
    on p.score >= b.min_score_inclusive
    and (p.score < b.max_score_exclusive or (b.max_score_exclusive = 100 and p.score <= 100))
left join docs as d on d.document_id = p.document_id
