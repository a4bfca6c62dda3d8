// Erasure of a person: the corrections that name them go too; a logged touch that other people
// attended keeps its correction, without the erased person among its attendees.
MATCH (c:Correction)
WHERE c.person_id = $id OR c.other_id = $id OR $id IN coalesce(c.person_ids, [])
WITH c, [p IN coalesce(c.person_ids, []) WHERE p <> $id] AS others
CALL (c, others) {
  WITH c, others WHERE c.kind = 'touch' AND size(others) > 0 AND coalesce(c.person_id, '') <> $id
  SET c.person_ids = others
  RETURN 0 AS kept
  UNION
  WITH c, others WHERE NOT (c.kind = 'touch' AND size(others) > 0 AND coalesce(c.person_id, '') <> $id)
  DETACH DELETE c
  RETURN 1 AS kept
}
RETURN count(*) AS changed
