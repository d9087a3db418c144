-- fct_department_finance (wide) and fct_reported_value (long) agree on every money and count value.
{%- set numeric_fields = fiscal_fields(kinds=['money', 'count']) %}
with wide as (
    {%- for f in numeric_fields %}
    select document_id, '{{ f.name }}' as field, cast({{ f.name }} as decimal(24, 6)) as value
    from {{ ref('fct_department_finance') }}
    where {{ f.name }} is not null
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

long as (
    select document_id, field, cast(value_numeric as decimal(24, 6)) as value
    from {{ ref('fct_reported_value') }}
    where field_kind in ('money', 'count') and value_numeric is not null
)

select coalesce(w.document_id, l.document_id) as document_id, coalesce(w.field, l.field) as field,
       w.value as wide_value, l.value as long_value
from wide as w
full outer join long as l on l.document_id = w.document_id and l.field = w.field
where w.value is distinct from l.value
