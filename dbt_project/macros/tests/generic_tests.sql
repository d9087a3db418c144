{#- Generic data tests written here instead of pulling dbt_utils from the hub (no network at run time). -#}

{#- No two rows share the combination of `combination_of_columns`. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    select {{ combination_of_columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Every row satisfies a SQL boolean `expression` (rows where it is false are failures; null passes). -#}
{% test expression_is_true(model, expression, where_clause=none) %}
    select *
    from {{ model }}
    where not ({{ expression }})
    {% if where_clause %}and ({{ where_clause }}){% endif %}
{% endtest %}

{#- Non-null values of `column_name` lie within [min_value, max_value]. -#}
{% test accepted_range(model, column_name, min_value=none, max_value=none) %}
    select *
    from {{ model }}
    where {{ column_name }} is not null
      and (
        false
        {% if min_value is not none %} or {{ column_name }} < {{ min_value }} {% endif %}
        {% if max_value is not none %} or {{ column_name }} > {{ max_value }} {% endif %}
      )
{% endtest %}

{#- A dimension carries its unknown member: exactly one row whose key equals `unknown_key`. -#}
{% test has_unknown_member(model, column_name, unknown_key) %}
    select count(*) as n_unknown_rows
    from {{ model }}
    where cast({{ column_name }} as varchar) = '{{ unknown_key }}'
    having count(*) <> 1
{% endtest %}

{#- Fiscal arithmetic: every document passes the named check of fct_arithmetic_check
    (e.g. basic + project = total within the printed precision). Fails one row per offending document. -#}
{% test arithmetic_check_passes(model, check_name) %}
    select document_id, check_name, lhs_value, rhs_value, difference, tolerance
    from {{ model }}
    where check_name = '{{ check_name }}'
      and not passed
{% endtest %}
