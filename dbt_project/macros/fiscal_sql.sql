{#- Small SQL helpers shared by models. -#}

{#- Yuan per printed unit (元=1, 千元=1e3, 万元=1e4, 百万元=1e6, 亿元=1e8); null for non-money units. -#}
{% macro unit_factor_yuan(unit) -%}
    case trim({{ unit }})
        when '元' then 1
        when '千元' then 1000
        when '万元' then 10000
        when '百万元' then 1000000
        when '亿元' then 100000000
        else null
    end
{%- endmacro %}

{#- Half a unit of the last printed digit, in yuan: the rounding tolerance of a printed money
    figure. "3137.51" 万元 -> 0.005 * 10000 = 50 元. Unknown unit or text -> 0.005 (cents).
    A printed zero (0 万元, 无…支出) is exact: tolerance 0. -#}
{% macro printed_half_ulp_yuan(as_reported, unit, value='value_numeric') -%}
    case when {{ value }} = 0 then 0 else coalesce(
        0.5 * {{ unit_factor_yuan(unit) }}
            * power(10, -coalesce(length(regexp_extract(replace({{ as_reported }}, ',', ''), '\.(\d+)', 1)), 0)),
        0.005
    ) end
{%- endmacro %}

{#- Normalised department / classification name: no whitespace (incl. U+3000), ASCII brackets,
    no quotes, no level suffixes like （类）. Used for matching and for the department key. -#}
{% macro normalise_name(col) -%}
    nullif(
        regexp_replace(
            replace(replace(replace(replace(replace(replace(replace(replace(
                {{ col }}, '（', '('), '）', ')'), '“', ''), '”', ''), '"', ''), '　', ''), '【', '['), '】', ']'),
            '\s+|\((类|款|项)\)$', '', 'g'),
        '')
{%- endmacro %}

{#- Stable 16-hex surrogate key from parts (nulls become empty strings). -#}
{% macro surrogate_key(parts) -%}
    substr(md5(concat_ws('|'{% for p in parts %}, coalesce(cast({{ p }} as varchar), ''){% endfor %})), 1, 16)
{%- endmacro %}

{#- Keep the rows of a child raw table that came with the latest load of their document
    (promotion replaces a document's rows as a whole), then one row per natural key. -#}
{% macro latest_load_rows(relation, natural_key) -%}
    with src as (
        select *,
            arg_max(_run_id, _loaded_at) over (partition by document_id) as _latest_run_id
        from {{ relation }}
    )
    select * exclude (_latest_run_id)
    from src
    where _run_id = _latest_run_id
    qualify row_number() over (
        partition by {{ natural_key | join(', ') }}
        order by _loaded_at desc
    ) = 1
{%- endmacro %}


{#- The latest current report of one type per (department, fiscal year): the one loaded last
    (document_id breaks ties), so a department counts once per year in county-level marts. -#}
{% macro latest_report_per_department_year(relation, report_type) -%}
    select *
    from {{ relation }}
    where report_type = '{{ report_type }}'
    qualify row_number() over (partition by department_key, fiscal_year order by _loaded_at desc, document_id) = 1
{%- endmacro %}
