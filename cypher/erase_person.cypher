// Erase a person and what concerns only them: touches with nobody else go too.
MATCH (p:Person {id: $id})
OPTIONAL MATCH (p)<-[:WITH]-(t:Touch)
WHERE NOT EXISTS { (t)-[:WITH]->(other:Person) WHERE other <> p }
WITH p, collect(DISTINCT t) AS solo
CALL (solo) {
  UNWIND solo AS t
  OPTIONAL MATCH (t)-[r]-() WHERE NOT (r:WITH)
  RETURN count(r) AS solo_rels
}
CALL (p) {
  MATCH (p)-[r]-()
  RETURN count(r) AS person_rels
}
CALL (p) {
  MATCH (o:Person {reports_to_id: p.id})
  SET o.reports_to_id = null
}
FOREACH (t IN solo | DETACH DELETE t)
DETACH DELETE p
RETURN size(solo) AS touches, solo_rels + person_rels AS relationships
