// Mark accounts whose data changed: the companies named, the accounts of the people and deals named.
// Their kept results (AccountResult computed_at before changed_at) read as stale until refreshed.
CALL () {
  UNWIND $company_ids AS id
  MATCH (c:Company {id: id})
  RETURN c
  UNION
  UNWIND $person_ids AS id
  MATCH (:Person {id: id})-[:WORKS_AT]->(c:Company)
  RETURN c
  UNION
  UNWIND $deal_ids AS id
  MATCH (:Deal {id: id})-[:FOR]->(c:Company)
  RETURN c
}
WITH DISTINCT c
SET c.changed_at = $at
RETURN collect(c.id) AS ids
