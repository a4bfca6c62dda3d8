// Every touch with any of the given people, with all its attendees, rep and deal.
MATCH (p:Person)<-[:WITH]-(t:Touch) WHERE p.id IN $person_ids
WITH DISTINCT t
OPTIONAL MATCH (t)-[:BY]->(r:Rep)
OPTIONAL MATCH (t)-[:ABOUT]->(d:Deal)
CALL (t) {
  MATCH (t)-[:WITH]->(attendee:Person)
  RETURN collect(attendee.id) AS person_ids
}
RETURN t {.*, person_ids: person_ids, rep_id: r.id, deal_id: d.id} AS touch
