-- Every document with: current / superseded status, resolved region (GB/T 2260), department key.
--   * current: not marked superseded in the ledger and the latest loaded document of its
--     document_key (department|year|type); the others are superseded by that one.
--   * region: the printed division_code when it is in the 2024 list; else a unique county-level
--     match on the county name within the named province (and prefecture); for documents without a
--     county, the named prefecture, then the province; else the unknown member '-1'.
--   * department_key: hash of the normalised name + the county-level code (or printed code).
with docs as (
    select * from {{ ref('stg_raw__documents') }}
),

regions as (
    select * from {{ ref('admin_divisions_gb2260_2024') }}
),

ledger as (
    select document_id, ledger_status, superseded_by
    from {{ ref('stg_meta__ingest_ledger_entries') }}
    where document_id is not null
    qualify row_number() over (partition by document_id order by updated_at desc) = 1
),

by_code as (
    select d.document_id, r.code
    from docs as d
    inner join regions as r on r.code = d.division_code
),

by_county_name as (
    select d.document_id, min(r.code) as code
    from docs as d
    inner join regions as r
        on r.level = 'county'
        and r.name = d.county
        and (d.province is null or r.province_name = d.province)
        and (d.city is null or r.prefecture_name = d.city or r.prefecture_code is null)
    group by d.document_id
    having count(*) = 1
),

by_prefecture_name as (
    select d.document_id, min(r.code) as code
    from docs as d
    inner join regions as r
        on r.level = 'prefecture'
        and r.name = d.city
        and (d.province is null or r.province_name = d.province)
    where d.county is null
    group by d.document_id
    having count(*) = 1
),

by_province_name as (
    select d.document_id, min(r.code) as code
    from docs as d
    inner join regions as r
        on r.level = 'province'
        and r.name = d.province
    where d.county is null and d.city is null
    group by d.document_id
    having count(*) = 1
),

located as (
    select
        d.*,
        coalesce(c.code, cn.code, pn.code, vn.code, '-1')          as region_key,
        case
            when c.code is not null then 'printed_code'
            when cn.code is not null then 'county_name'
            when pn.code is not null then 'prefecture_name'
            when vn.code is not null then 'province_name'
            when d.division_code is not null then 'printed_code_not_in_gb2260_2024'
            else 'unresolved'
        end                                                         as region_match_method,
        {{ normalise_name('d.department_name') }}                   as department_name_normalised,
        l.ledger_status,
        l.superseded_by                                             as ledger_superseded_by
    from docs as d
    left join by_code as c on c.document_id = d.document_id
    left join by_county_name as cn on cn.document_id = d.document_id
    left join by_prefecture_name as pn on pn.document_id = d.document_id
    left join by_province_name as vn on vn.document_id = d.document_id
    left join ledger as l on l.document_id = d.document_id
),

versioned as (
    select
        *,
        first_value(document_id) over (
            partition by coalesce(document_key, document_id)
            order by (coalesce(ledger_status, '') = 'superseded'), _loaded_at desc, document_id desc
        ) as latest_document_id_of_key
    from located
)

select
    document_id,
    sha256,
    source_file,
    source_path,
    file_format,
    encoding,
    department_name,
    department_name_normalised,
    province,
    city,
    county,
    division_code,
    fiscal_year,
    report_type,
    published_on,
    title,
    document_key,
    extractor_version,
    n_facts,
    n_conflicts,
    n_warnings,
    case
        when department_name_normalised is null then '-1'
        else {{ surrogate_key([
            'department_name_normalised',
            "coalesce(nullif(region_key, '-1'), division_code)",
        ]) }}
    end                                                             as department_key,
    region_key,
    region_match_method,
    coalesce(fiscal_year, -1)                                       as fiscal_year_key,
    ledger_status,
    coalesce(ledger_status, '') <> 'superseded'
        and latest_document_id_of_key = document_id                 as is_current,
    case
        when coalesce(ledger_status, '') = 'superseded' then ledger_superseded_by
        when latest_document_id_of_key <> document_id then latest_document_id_of_key
    end                                                             as superseded_by,
    _run_id,
    _loaded_at
from versioned
