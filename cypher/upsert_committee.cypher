// One relationship per assertion (deal, person, role, source): disagreeing sources are all kept.
UNWIND $rows AS row
MATCH (p:Person {id: row.person_id})
MATCH (d:Deal {id: row.deal_id})
MERGE (p)-[r:IN_COMMITTEE {role: row.role, source: row.source}]->(d)
SET r += row.props
RETURN count(r) AS n
