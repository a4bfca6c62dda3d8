// One batch of touches: WITH every known attendee, BY our rep, ABOUT a deal.
// `row.at` arrives as an ISO string (datetime parameters are slow to send) and is stored as a
// LocalDateTime, like every other instant. The whole touch is then packed into one string, as
// create_touches packs it (`row.head`, the linked rep and deal, the attendees sorted), which is what
// an account read returns; the per-link properties of earlier versions are removed.
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
WITH t, row,
     COLLECT { MATCH (t)-[:WITH]->(p:Person) RETURN p.id ORDER BY p.id } AS person_ids,
     coalesce(COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0], '') AS rep_id,
     coalesce(COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0], '') AS deal_id
SET t.packed = row.head + $sep + rep_id + $sep + deal_id + $sep
               + reduce(s = '', person_id IN person_ids | s + $attendee_sep + person_id)
REMOVE t.person_ids, t.rep_id, t.deal_id
RETURN count(t) AS n
