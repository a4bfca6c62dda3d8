// Key people's influence: one PersonResult per ranked person, linked to the person; the node of the
// last refresh overwritten.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MERGE (r:PersonResult {account_id: row.account_id, person_id: row.person_id})
SET r = row
MERGE (r)-[:RESULT_OF]->(p)
