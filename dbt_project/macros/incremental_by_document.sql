{#- Incremental-by-document facts: a (document_id, _run_id) not yet in the table is (re)built,
    and after the build the rows of documents re-loaded under another run or gone from staging are
    removed, so an incremental run ends equal to a full refresh (tests/dbt/test_dbt_incremental.py). -#}

{#- In the model's `from`: keep only rows of loads the table does not hold yet. -#}
{% macro only_new_loads(alias) -%}
    {% if is_incremental() %}
    where not exists (
        select 1 from {{ this }} as t
        where t.document_id = {{ alias }}.document_id and t._run_id = {{ alias }}._run_id
    )
    {% endif %}
{%- endmacro %}

{#- The post-hook: delete rows whose (document_id, _run_id) is no longer the latest load in `staging`. -#}
{% macro drop_stale_loads(staging) -%}
    delete from {{ this }} as t
    where not exists (
        select 1 from {{ staging }} as s where s.document_id = t.document_id and s._run_id = t._run_id
    )
{%- endmacro %}
