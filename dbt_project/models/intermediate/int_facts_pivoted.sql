-- One row per document, one column per scalar field of fields.md §3 (typed by kind:
-- money DECIMAL(18,2) yuan, ratios DECIMAL(12,6), score DECIMAL(6,2), counts BIGINT, grade text).
-- Documents without any fact still get a row (all nulls).
with facts as (
    select * from {{ ref('stg_raw__facts') }}
)

select
    d.document_id,
    {%- for f in fiscal_fields() %}
    {%- if f.kind == 'grade' %}
    max(case when f.field = '{{ f.name }}' then f.value_text end) as {{ f.name }},
    {%- else %}
    max(case when f.field = '{{ f.name }}' then cast(f.value_numeric as {{ fiscal_value_type(f.kind) }}) end)
        as {{ f.name }},
    {%- endif %}
    {%- endfor %}
    count(f.field) as n_facts_loaded
from {{ ref('stg_raw__documents') }} as d
left join facts as f on f.document_id = d.document_id
group by d.document_id
