// Key people's influence: one PersonResult per ranked person, linked to the person.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
CREATE (r:PersonResult)-[:RESULT_OF]->(p)
SET r = row
