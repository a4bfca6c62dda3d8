// One AccountResult per account, linked to its company, with the company's name (the lists' order
// after a figure; a rename marks the account changed, and the next refresh writes the new name).
// The node of the last refresh is kept and overwritten (MERGE on the unique account_id), so a
// refresh updates properties instead of deleting and recreating nodes, relationships and index entries.
UNWIND $rows AS row
MATCH (c:Company {id: row.account_id})
MERGE (r:AccountResult {account_id: row.account_id})
SET r = row, r.name = c.name
MERGE (r)-[:RESULT_OF]->(c)
