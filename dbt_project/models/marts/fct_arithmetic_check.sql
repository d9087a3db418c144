-- The internal arithmetic of each report (fields.md §6), one row per (document, check, subject):
-- lhs (sum of printed parts / printed ratio) against rhs (printed total / recomputed ratio), within
-- the rounding tolerance of the printed precision (half a unit of the last printed digit of every
-- term, e.g. ±50 元 for a figure printed as 3137.51 万元, plus a small slack). A check is only made
-- when every term is printed (a missing part is "not stated", never zero). The warn-severity tests
-- arithmetic_check_passes read this table; analysts and the mart audit can query it directly.
{%- set sum_checks = [
    ('expenditure_basic_plus_project', '基本支出+项目支出=支出合计', 'expenditure_total',
        ['expenditure_basic', 'expenditure_project']),
    ('basic_personnel_plus_public_operating', '人员经费+公用经费=基本支出', 'expenditure_basic',
        ['expenditure_personnel', 'expenditure_public_operating']),
    ('three_public_parts', '因公出国(境)费+公务用车购置及运行维护费+公务接待费=“三公”经费合计', 'three_public_total',
        ['three_public_overseas', 'three_public_vehicles', 'three_public_reception']),
    ('three_public_vehicle_parts', '公务用车购置费+公务用车运行维护费=公务用车购置及运行维护费', 'three_public_vehicles',
        ['three_public_vehicle_purchase', 'three_public_vehicle_operation']),
] -%}
{%- set needed = [] -%}
{%- for c in sum_checks -%}
    {%- for f in [c[2]] + c[3] -%}{%- if f not in needed -%}{%- do needed.append(f) -%}{%- endif -%}{%- endfor -%}
{%- endfor %}
{%- set slack = var('arithmetic_slack_yuan') %}
{%- set ratio_slack = var('ratio_slack') %}

with money as (
    select
        document_id,
        {%- for f in needed %}
        max(value_yuan) filter (where field = '{{ f }}') as {{ f }},
        max(rounding_tolerance_yuan) filter (where field = '{{ f }}') as {{ f }}__tol{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref('fct_reported_value') }}
    where field_kind = 'money'
    group by document_id
),

checks as (
    {%- for name, label, total, parts in sum_checks %}
    select
        document_id,
        '{{ name }}' as check_name,
        '{{ label }}' as check_label_cn,
        '' as subject,
        cast({{ parts | join(' + ') }} as decimal(24, 6)) as lhs_value,
        cast({{ total }} as decimal(24, 6)) as rhs_value,
        cast({{ total }}__tol {% for p in parts %} + {{ p }}__tol{% endfor %} + {{ slack }} as decimal(24, 6)) as tolerance,
        null as detail
    from money
    where {{ total }} is not null {% for p in parts %} and {{ p }} is not null{% endfor %}
    union all
    {%- endfor %}

    -- 功能分类明细合计 = 一般公共预算财政拨款支出
    select
        l.document_id,
        'function_items_total',
        '功能分类支出明细合计=一般公共预算财政拨款支出',
        '',
        cast(sum(l.amount) filter (where l.counts_toward_total) as decimal(24, 6)),
        cast(max(v.value_yuan) as decimal(24, 6)),
        cast(max(v.rounding_tolerance_yuan)
             + sum(l.amount_rounding_tolerance_yuan) filter (where l.counts_toward_total)
             + {{ slack }} as decimal(24, 6)),
        cast(count(*) filter (where l.counts_toward_total) as varchar) || ' top-level lines summed'
    from {{ ref('fct_expenditure_by_function') }} as l
    inner join {{ ref('fct_reported_value') }} as v
        on v.document_id = l.document_id and v.field = 'general_budget_expenditure'
    where l.amount is not null
    group by l.document_id

    union all

    -- printed completion rate of a line = amount / budget amount
    select
        document_id,
        'line_completion_rate',
        '完成率=决算数/预算数',
        'line ' || cast(line_no as varchar),
        cast(completion_rate as decimal(24, 6)),
        cast(amount / budget_amount as decimal(24, 6)),
        cast({{ ratio_slack }} + amount_rounding_tolerance_yuan / budget_amount as decimal(24, 6)),
        name_as_printed
    from {{ ref('fct_expenditure_by_function') }}
    where completion_rate is not null and amount is not null and budget_amount > 0

    union all

    -- printed execution rate of a project = executed / budget
    select
        document_id,
        'project_execution_rate',
        '项目执行率=执行数/预算数',
        'project ' || cast(line_no as varchar),
        cast(execution_rate as decimal(24, 6)),
        cast(execution_rate_computed as decimal(24, 6)),
        cast({{ ratio_slack }} + 50 / budget_amount as decimal(24, 6)),
        project_name
    from {{ ref('fct_project_performance') }}
    where execution_rate is not null and execution_rate_computed is not null

    union all

    -- printed grade of a project = grade band of its score
    select
        document_id,
        'project_grade_matches_score',
        '项目自评等级与得分档次一致',
        'project ' || cast(line_no as varchar),
        cast(score as decimal(24, 6)),
        null,
        0,
        'grade ' || grade || ', band of score ' || grade_from_score
    from {{ ref('fct_project_performance') }}
    where grade_matches_score is not null

    union all

    -- printed grade = grade band of the printed score
    select
        document_id,
        'performance_grade_matches_score',
        '自评等级与得分档次一致',
        '',
        cast(performance_score as decimal(24, 6)),
        null,
        0,
        'grade ' || performance_grade || ', band of score ' || grade_from_score
    from {{ ref('fct_performance_evaluation') }}
    where grade_matches_score is not null
)

select
    c.document_id,
    c.check_name,
    c.check_label_cn,
    c.subject,
    c.lhs_value,
    c.rhs_value,
    c.lhs_value - c.rhs_value as difference,
    c.tolerance,
    case
        when c.check_name = 'performance_grade_matches_score' then e.grade_matches_score
        when c.check_name = 'project_grade_matches_score' then pp.grade_matches_score
        else abs(c.lhs_value - c.rhs_value) <= c.tolerance
    end as passed,
    c.detail
from checks as c
left join {{ ref('fct_performance_evaluation') }} as e
    on c.check_name = 'performance_grade_matches_score' and e.document_id = c.document_id
left join {{ ref('fct_project_performance') }} as pp
    on c.check_name = 'project_grade_matches_score' and pp.document_id = c.document_id
    and c.subject = 'project ' || cast(pp.line_no as varchar)
