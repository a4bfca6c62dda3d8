UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (m:Person {id: row.manager_id})
MERGE (p)-[r:REPORTS_TO]->(m)
SET r += row.props
RETURN count(r) AS n
