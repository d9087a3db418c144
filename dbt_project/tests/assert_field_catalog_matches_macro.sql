-- The field_catalog seed and the fiscal_fields() macro (used to pivot) list the same fields
-- with the same kind. Fails one row per disagreement.
with macro_fields as (
    {%- for f in fiscal_fields() %}
    select '{{ f.name }}' as field, '{{ f.kind }}' as kind{{ " union all" if not loop.last }}
    {%- endfor %}
)

select coalesce(m.field, s.field) as field, m.kind as macro_kind, s.kind as seed_kind
from macro_fields as m
full outer join {{ ref('field_catalog') }} as s on s.field = m.field
where m.field is null or s.field is null or m.kind <> s.kind
