// The active corrections of these accounts, laid over their stored facts when they are read.
UNWIND $company_ids AS id
MATCH (c:Correction {company_id: id})
WHERE c.withdrawn_at IS NULL
RETURN c {.*} AS correction
