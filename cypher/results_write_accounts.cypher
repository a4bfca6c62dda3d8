// One AccountResult per account, linked to its company.
UNWIND $rows AS row
MATCH (c:Company {id: row.account_id})
CREATE (r:AccountResult)-[:RESULT_OF]->(c)
SET r = row
