// Every touch with any of the given people, with all its attendees (sorted), rep and deal.
// One record holding the whole list: tens of thousands of single-touch records would each cost a
// network round of the driver. `at` travels as an ISO string, which the client parses natively.
MATCH (p:Person)<-[:WITH]-(t:Touch) WHERE p.id IN $person_ids
WITH DISTINCT t
OPTIONAL MATCH (t)-[:BY]->(r:Rep)
OPTIONAL MATCH (t)-[:ABOUT]->(d:Deal)
CALL (t) {
  MATCH (t)-[:WITH]->(attendee:Person)
  WITH attendee.id AS attendee_id ORDER BY attendee_id
  RETURN collect(attendee_id) AS person_ids
}
RETURN collect(t {.*, at: toString(t.at), person_ids: person_ids, rep_id: r.id, deal_id: d.id}) AS touches
