// One batch of deals, linked to their account and owning rep (moved when those change).
UNWIND $rows AS row
MERGE (d:Deal {id: row.id})
SET d += row.props
WITH d, row
CALL (d, row) {
  OPTIONAL MATCH (d)-[old:FOR]->(other:Company) WHERE other.id <> row.props.company_id
  DELETE old
  WITH d, row
  MATCH (c:Company {id: row.props.company_id})
  MERGE (d)-[:FOR]->(c)
}
CALL (d, row) {
  WITH d, row WHERE row.props.owner_rep_id IS NOT NULL
  OPTIONAL MATCH (d)-[old:OWNED_BY]->(other:Rep) WHERE other.id <> row.props.owner_rep_id
  DELETE old
  WITH d, row
  MATCH (r:Rep {id: row.props.owner_rep_id})
  MERGE (d)-[:OWNED_BY]->(r)
}
RETURN count(d) AS n
