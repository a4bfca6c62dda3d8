UNWIND $rows AS row
MATCH (a:Person {id: row.person_id})
MATCH (b:Person {id: row.other_id})
MERGE (a)-[r:KNOWS]->(b)
SET r += row.props
RETURN count(r) AS n
