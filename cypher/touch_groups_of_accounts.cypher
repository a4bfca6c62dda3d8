// Every (account, day) group of these accounts: the days of the touches with their people (everyone
// who works or worked there, plus committee members of its deals) and the days already aggregated.
// Recomputed whole when who belongs to an account changes (employment, committee seats).
UNWIND $company_ids AS company_id
MATCH (c:Company {id: company_id})
CALL (c) {
  CALL (c) {
    MATCH (p:Person)-[:WORKS_AT]->(c)
    RETURN p
    UNION
    MATCH (p:Person)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c)
    RETURN p
  }
  MATCH (p)<-[:WITH]-(t:Touch)
  RETURN DISTINCT toString(date(t.at)) AS day
  UNION
  MATCH (g:TouchDay {company_id: c.id})
  RETURN toString(g.day) AS day
}
RETURN c.id AS company_id, day
