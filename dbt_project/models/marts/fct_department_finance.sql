-- One row per document: every scalar fact of fields.md §3 as a wide column
-- (money DECIMAL(18,2) yuan; counts BIGINT; ratios DECIMAL(12,6); score DECIMAL(6,2); grade text).
-- In a budget report (report_type = budget) the plain columns hold planned figures (fields.md §5.9).
select
    d.document_id,
    d.department_key,
    d.region_key,
    d.fiscal_year_key,
    d.fiscal_year,
    d.report_type,
    d.is_current,
    {%- for f in fiscal_fields() %}
    p.{{ f.name }},
    {%- endfor %}
    p.n_facts_loaded,
    d._run_id,
    d._loaded_at
from {{ ref('int_documents_resolved') }} as d
inner join {{ ref('int_facts_pivoted') }} as p on p.document_id = d.document_id
