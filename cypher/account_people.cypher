// Everyone who works or worked at the account, plus committee members of its deals.
MATCH (c:Company {id: $company_id})
CALL (c) {
  MATCH (p:Person)-[:WORKS_AT]->(c)
  RETURN p
  UNION
  MATCH (p:Person)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c)
  RETURN p
}
RETURN p {.*} AS person
