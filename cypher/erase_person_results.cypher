// Before a person is erased: the kept results of every account they belong to (where they work or
// worked, the deals whose committee they sit on, and any result about them) are removed, because gap
// texts and key-people lists name people.
// The accounts are marked changed first (which takes their companies' write locks, as a refresh's
// results_write_lock does), so the next refresh computes them again without the person, and a
// refresh racing this erasure either writes before it (and its results are deleted here) or after
// it (and is refused, being computed before the change).
MATCH (p:Person {id: $id})
CALL (p) {
  OPTIONAL MATCH (p)-[:WORKS_AT]->(c:Company)
  RETURN collect(DISTINCT c.id) AS employers
}
CALL (p) {
  OPTIONAL MATCH (p)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c:Company)
  RETURN collect(DISTINCT c.id) AS committees
}
CALL (p) {
  OPTIONAL MATCH (p)<-[:CONCERNS|RESULT_OF]-(r)
  WHERE r:Gap OR r:PersonResult
  RETURN collect(DISTINCT r.account_id) AS mentioned
}
WITH [id IN employers + committees + mentioned WHERE id IS NOT NULL] AS ids
CALL (ids) {
  UNWIND ids AS account_id
  MATCH (c:Company {id: account_id})
  SET c.changed_at = $at
}
CALL (ids) {
  UNWIND ids AS account_id
  MATCH (r {account_id: account_id})
  WHERE r:AccountResult OR r:DealResult OR r:Gap OR r:PersonResult OR r:ResultDetail
  DETACH DELETE r
}
RETURN ids
