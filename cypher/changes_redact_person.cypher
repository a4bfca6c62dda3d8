// Erasure: the changes that name a person (by id, or by name in their text) keep their place in the
// log (their cursor, kind, account and time) but lose what named the person. Runs before the person
// is deleted, in the same transaction.
MATCH (p:Person {id: $id})
MATCH (c:Change)
WHERE c.person_id = $id
   OR c.data CONTAINS $quoted
   OR (size(coalesce(p.name, '')) > 1 AND (c.summary CONTAINS p.name OR c.data CONTAINS p.name))
SET c.person_id = null, c.summary = $summary, c.data = '{}'
