{#- The scalar fields of fields.md §3, in catalog order, with their kind.
    Mirrors seeds/field_catalog.csv (the singular test assert_field_catalog_matches_macro keeps
    the two in step). Pivots need the column list at compile time, so it lives here too. -#}
{% macro fiscal_fields(kinds=none) -%}
    {%- set fields = [
        ('revenue_total', 'money'),
        ('revenue_current_year', 'money'),
        ('revenue_general_budget', 'money'),
        ('revenue_government_fund', 'money'),
        ('revenue_state_capital', 'money'),
        ('revenue_other', 'money'),
        ('carryover_opening', 'money'),
        ('expenditure_total', 'money'),
        ('expenditure_basic', 'money'),
        ('expenditure_project', 'money'),
        ('expenditure_personnel', 'money'),
        ('expenditure_public_operating', 'money'),
        ('general_budget_basic_expenditure', 'money'),
        ('econ_wages_benefits', 'money'),
        ('econ_goods_services', 'money'),
        ('econ_household_subsidies', 'money'),
        ('econ_enterprise_subsidies', 'money'),
        ('econ_capital', 'money'),
        ('general_budget_expenditure', 'money'),
        ('government_fund_expenditure', 'money'),
        ('budget_execution_rate', 'ratio'),
        ('three_public_total', 'money'),
        ('three_public_budget', 'money'),
        ('three_public_overseas', 'money'),
        ('three_public_vehicles', 'money'),
        ('three_public_vehicle_purchase', 'money'),
        ('three_public_vehicle_operation', 'money'),
        ('three_public_reception', 'money'),
        ('reception_batches', 'count'),
        ('reception_visitors', 'count'),
        ('agency_operating_expense', 'money'),
        ('procurement_total', 'money'),
        ('vehicles_owned', 'count'),
        ('staff_authorized', 'count'),
        ('staff_actual', 'count'),
        ('performance_score', 'score'),
        ('performance_grade', 'grade'),
        ('performance_target_count', 'count'),
    ] -%}
    {%- set out = [] -%}
    {%- for name, kind in fields -%}
        {%- if kinds is none or kind in kinds -%}
            {%- do out.append({'name': name, 'kind': kind}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(out) }}
{%- endmacro %}

{#- SQL type of a field's value by kind: money exact in yuan, ratios and scores exact, counts integer. -#}
{% macro fiscal_value_type(kind) -%}
    {%- if kind == 'money' -%} decimal(18, 2)
    {%- elif kind == 'ratio' -%} decimal(12, 6)
    {%- elif kind == 'score' -%} decimal(6, 2)
    {%- elif kind == 'count' -%} bigint
    {%- else -%} varchar
    {%- endif -%}
{%- endmacro %}
