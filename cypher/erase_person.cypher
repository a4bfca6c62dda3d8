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
// The touches that stay lose the person from their packed copy (see create_touches): the nine
// fields before the attendees are kept as they are ($sep between fields), the attendees field is
// written again without the person. A copy in the first packed layout (each attendee a field of its
// own, and so not ten fields of which the last is empty or starts with $attendee_sep) is rewritten in
// the current one. Copies of still earlier versions kept the attendees in `person_ids`.
CALL (p) {
  MATCH (p)<-[:WITH]-(t:Touch) WHERE t.packed IS NOT NULL
  WITH p, t, split(t.packed, $sep) AS fields
  WITH p, t, fields,
       CASE
         WHEN size(fields) = 10 AND (fields[9] = '' OR fields[9] STARTS WITH $attendee_sep)
           THEN split(fields[9], $attendee_sep)[1..]
         ELSE fields[9..]
       END AS attendees
  SET t.packed = reduce(s = fields[0], x IN fields[1..9] | s + $sep + x) + $sep
                 + reduce(s = '', y IN attendees | CASE WHEN y = p.id THEN s ELSE s + $attendee_sep + y END)
}
CALL (p) {
  MATCH (p)<-[:WITH]-(t:Touch) WHERE t.person_ids IS NOT NULL
  SET t.person_ids = [x IN t.person_ids WHERE x <> p.id]
}
CALL (p) {
  MATCH (o:Person {reports_to_id: p.id})
  SET o.reports_to_id = null
}
FOREACH (t IN solo | DETACH DELETE t)
DETACH DELETE p
RETURN size(solo) AS touches, solo_rels + person_rels AS relationships
