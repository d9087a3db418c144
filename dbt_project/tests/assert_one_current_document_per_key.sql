-- A logical report (document_key = department|year|type) never has two current documents.
-- (Zero is possible: the ledger marked the only loaded version superseded by a file not in raw.)
select document_key, count(*) filter (where is_current) as n_current
from {{ ref('dim_document') }}
where not is_unknown_member and document_key is not null
group by document_key
having count(*) filter (where is_current) > 1
