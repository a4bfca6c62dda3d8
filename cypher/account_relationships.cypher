// Employment at the account, and reporting lines and KNOWS ties among the given people.
MATCH (p:Person) WHERE p.id IN $person_ids
CALL (p) {
  OPTIONAL MATCH (p)-[w:WORKS_AT]->(:Company {id: $company_id})
  RETURN collect(w {.*, person_id: p.id, company_id: $company_id}) AS employment
}
CALL (p) {
  OPTIONAL MATCH (p)-[r:REPORTS_TO]->(m:Person) WHERE m.id IN $person_ids
  RETURN collect(r {.*, person_id: p.id, manager_id: m.id}) AS reporting
}
CALL (p) {
  OPTIONAL MATCH (p)-[k:KNOWS]->(o:Person) WHERE o.id IN $person_ids
  RETURN collect(k {.*, person_id: p.id, other_id: o.id}) AS knows
}
RETURN employment, reporting, knows
