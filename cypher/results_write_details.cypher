// What the read endpoints show of each account (KeptDetail as JSON in `body`), next to its
// AccountResult: the node of the last refresh overwritten.
UNWIND $rows AS row
MATCH (r:AccountResult {account_id: row.account_id})
MERGE (x:ResultDetail {account_id: row.account_id})
SET x = row
MERGE (x)-[:DETAIL_OF]->(r)
