// New touches only (the store checked that none of these ids exists yet, in the same transaction):
// CREATE skips the existence checks that MERGE makes, about twice as fast on a fresh load.
// Links are made exactly as upsert_touches makes them: only to people, reps and deals that exist.
// `packed` holds the whole touch in one string of ten fields ($sep between them: `row.head`, then
// the linked rep and deal, then the attendees as rows list them, each preceded by $attendee_sep): an
// account read returns that one property per touch instead of nine, several times faster on 50,000
// touches, and ten fields to every touch let the reader split all of them at once.
UNWIND $rows AS row
CREATE (t:Touch {id: row.id})
SET t += row.props, t.at = localdatetime(row.at)
WITH t, row
OPTIONAL MATCH (r:Rep {id: row.rep_id})
OPTIONAL MATCH (d:Deal {id: row.deal_id})
FOREACH (_ IN CASE WHEN r IS NULL THEN [] ELSE [1] END | CREATE (t)-[:BY]->(r))
FOREACH (_ IN CASE WHEN d IS NULL THEN [] ELSE [1] END | CREATE (t)-[:ABOUT]->(d))
WITH t, row, coalesce(r.id, '') + $sep + coalesce(d.id, '') AS links
CALL (t, row) {
  UNWIND row.person_ids AS person_id
  MATCH (p:Person {id: person_id})
  CREATE (t)-[:WITH]->(p)
  RETURN collect(person_id) AS person_ids
}
SET t.packed = row.head + $sep + links + $sep
               + reduce(s = '', person_id IN person_ids | s + $attendee_sep + person_id)
