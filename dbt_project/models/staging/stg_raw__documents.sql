-- One row per document_id: the latest load wins. Typed, trimmed, renamed.
with latest as (
    select *
    from {{ source('raw', 'documents') }}
    qualify row_number() over (partition by document_id order by _loaded_at desc, _run_id desc) = 1
)

select
    document_id,
    lower(sha256)                                   as sha256,
    file_name                                       as source_file,
    source_path,
    lower(file_format)                              as file_format,
    encoding,
    nullif(trim(department_name), '')               as department_name,
    nullif(trim(province), '')                      as province,
    nullif(trim(city), '')                          as city,
    nullif(trim(county), '')                        as county,
    nullif(trim(division_code), '')                 as division_code,
    fiscal_year,
    lower(trim(report_type))                        as report_type,
    published_on,
    nullif(trim(title), '')                         as title,
    coalesce(
        nullif(document_key, ''),
        case when department_name is not null and fiscal_year is not null and report_type is not null
             then concat_ws('|', trim(department_name), fiscal_year, lower(trim(report_type))) end
    )                                               as document_key,
    extractor_version,
    n_facts,
    n_conflicts,
    n_warnings,
    _run_id,
    _loaded_at
from latest
