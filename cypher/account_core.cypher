// An account, its parent and subsidiaries, its deals with their products and committee.
MATCH (c:Company {id: $company_id})
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF]->(parent:Company)
CALL (c) {
  OPTIONAL MATCH (sub:Company)-[:SUBSIDIARY_OF]->(c)
  RETURN collect(sub {.*}) AS subsidiaries
}
CALL (c) {
  OPTIONAL MATCH (d:Deal)-[:FOR]->(c)
  RETURN collect(d {.*}) AS deals
}
CALL (c) {
  MATCH (d:Deal)-[:FOR]->(c)
  MATCH (d)-[r:INCLUDES]->(p:Product)
  RETURN collect(r {.*, deal_id: d.id, product_id: p.id}) AS deal_products
}
CALL (c) {
  MATCH (d:Deal)-[:FOR]->(c)
  MATCH (person:Person)-[r:IN_COMMITTEE]->(d)
  RETURN collect(r {.*, deal_id: d.id, person_id: person.id}) AS committee
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:OWNS]->(p:Product)
  RETURN collect(r {.*, company_id: c.id, product_id: p.id}) AS holdings
}
RETURN c {.*} AS company, parent {.*} AS parent, subsidiaries, deals, deal_products,
       committee, holdings
