// The (account, day) groups that the touches with these people count in (see touch_groups): what a
// change of who belongs to an account (employment, committee seats, erasure) makes to recompute.
UNWIND $person_ids AS person_id
MATCH (:Person {id: person_id})<-[:WITH]-(t:Touch)
WITH DISTINCT t
MATCH (t)-[:WITH]->(p:Person)
CALL (p) {
  MATCH (p)-[:WORKS_AT]->(c:Company)
  RETURN c.id AS company_id
  UNION
  MATCH (p)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c:Company)
  RETURN c.id AS company_id
}
RETURN DISTINCT company_id, toString(date(t.at)) AS day
