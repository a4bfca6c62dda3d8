// One batch of touches: WITH every known attendee, BY our rep, ABOUT a deal.
// `row.at` arrives as an ISO string (datetime parameters are slow to send) and is stored as a
// LocalDateTime, like every other instant.
UNWIND $rows AS row
MERGE (t:Touch {id: row.id})
SET t += row.props, t.at = localdatetime(row.at)
WITH t, row
CALL (t, row) {
  UNWIND row.person_ids AS person_id
  MATCH (p:Person {id: person_id})
  MERGE (t)-[:WITH]->(p)
}
CALL (t, row) {
  WITH t, row WHERE row.rep_id IS NOT NULL
  OPTIONAL MATCH (t)-[old:BY]->(other:Rep) WHERE other.id <> row.rep_id
  DELETE old
  WITH t, row
  MATCH (r:Rep {id: row.rep_id})
  MERGE (t)-[:BY]->(r)
}
CALL (t, row) {
  WITH t, row WHERE row.deal_id IS NOT NULL
  OPTIONAL MATCH (t)-[old:ABOUT]->(other:Deal) WHERE other.id <> row.deal_id
  DELETE old
  WITH t, row
  MATCH (d:Deal {id: row.deal_id})
  MERGE (t)-[:ABOUT]->(d)
}
RETURN count(t) AS n
