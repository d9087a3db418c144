-- Money is stored in yuan with at most two decimals (fields.md §1): value_yuan loses nothing.
{{ config(severity='warn') }}
select document_id, field, value_numeric, value_yuan
from {{ ref('fct_reported_value') }}
where field_kind = 'money' and value_numeric is not null
  and cast(value_yuan as decimal(24, 6)) <> value_numeric
