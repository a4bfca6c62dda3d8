UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (c:Company {id: row.company_id})
MERGE (p)-[r:WORKS_AT]->(c)
SET r += row.props
RETURN count(r) AS n
