-- Every staged fact, line item, indicator, project, finding, conflict and document reaches its mart
-- (unknown members catch missing codes; nothing is filtered out). Fails one row per entity that differs.
{%- set pairs = [
    ('facts', 'stg_raw__facts', 'fct_reported_value', 'true'),
    ('line_items', 'stg_raw__line_items', 'fct_expenditure_by_function', 'true'),
    ('indicators', 'stg_raw__indicators', 'fct_performance_indicator', 'true'),
    ('projects', 'stg_raw__projects', 'fct_project_performance', 'true'),
    ('findings', 'stg_raw__findings', 'fct_evaluation_finding', 'true'),
    ('conflicts', 'stg_raw__conflicts', 'fct_extraction_conflict', 'true'),
    ('documents', 'stg_raw__documents', 'dim_document', 'not is_unknown_member'),
] %}
with counts as (
    {%- for entity, staged, mart, where in pairs %}
    select
        '{{ entity }}' as entity,
        (select count(*) from {{ ref(staged) }}) as n_staged,
        (select count(*) from {{ ref(mart) }} where {{ where }}) as n_in_mart
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from counts where n_staged <> n_in_mart
