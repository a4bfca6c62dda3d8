// What the read endpoints show of each account (KeptDetail as JSON in `body`), next to its AccountResult.
UNWIND $rows AS row
MATCH (r:AccountResult {account_id: row.account_id})
CREATE (x:ResultDetail)-[:DETAIL_OF]->(r)
SET x = row
