// One AccountResult per account, linked to its company, with the company's name (the lists' order
// after a figure; a rename marks the account changed, and the next refresh writes the new name).
UNWIND $rows AS row
MATCH (c:Company {id: row.account_id})
CREATE (r:AccountResult)-[:RESULT_OF]->(c)
SET r = row, r.name = c.name
