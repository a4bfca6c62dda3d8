// account_graph without the touches, for a large account (see Neo4jStore._account_graph): the
// company, its parent and subsidiaries, deals with products and committee, holdings, its people
// (everyone who works or worked there, plus committee members of its deals) with their employment
// there, reporting lines and KNOWS ties among them, and the reps and products these name. The touches
// come from account_touches, run at the same time in a second session: each query keeps one core of
// the server busy, and the client checks this record while the server still reads the touches.
// Keep the parts it shares with account_graph the same.
// Dates and instants travel as ISO strings (toString): the driver builds its own temporal objects
// in Python, several times slower than the models parse the strings.
// The account is named by its id ($company_id, with $deal_id null) or by one of its deals ($deal_id,
// with $company_id null), so that a deal's analysis needs no lookup of its account first.
OPTIONAL MATCH (:Deal {id: $deal_id})-[:FOR]->(of_deal:Company)
WITH coalesce(of_deal.id, $company_id) AS company_id
MATCH (c:Company {id: company_id})
OPTIONAL MATCH (c)-[:SUBSIDIARY_OF]->(parent:Company)
CALL (c) {
  OPTIONAL MATCH (sub:Company)-[:SUBSIDIARY_OF]->(c)
  RETURN collect(sub {.*}) AS subsidiaries
}
CALL (c) {
  OPTIONAL MATCH (d:Deal)-[:FOR]->(c)
  RETURN collect(d {.*, created_at: toString(d.created_at), closed_at: toString(d.closed_at),
                     expected_close: toString(d.expected_close)}) AS deals
}
CALL (c) {
  MATCH (d:Deal)-[:FOR]->(c)
  MATCH (d)-[r:INCLUDES]->(p:Product)
  RETURN collect(r {.*, deal_id: d.id, product_id: p.id}) AS deal_products
}
CALL (c) {
  MATCH (d:Deal)-[:FOR]->(c)
  MATCH (person:Person)-[r:IN_COMMITTEE]->(d)
  RETURN collect(r {.*, deal_id: d.id, person_id: person.id, asserted_at: toString(r.asserted_at)}) AS committee
}
CALL (c) {
  OPTIONAL MATCH (c)-[r:OWNS]->(p:Product)
  RETURN collect(r {.*, company_id: c.id, product_id: p.id, since: toString(r.since)}) AS holdings
}
CALL (c) {
  CALL (c) {
    MATCH (p:Person)-[:WORKS_AT]->(c)
    RETURN p
    UNION
    MATCH (p:Person)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c)
    RETURN p
  }
  RETURN collect(p) AS members
}
CALL (c, members) {
  UNWIND members AS p
  MATCH (p)-[w:WORKS_AT]->(c)
  RETURN collect(
    w {.*, person_id: p.id, company_id: c.id, since: toString(w.since), until: toString(w.until)}
  ) AS employment
}
// Reporting lines and KNOWS ties leave from the members to anyone: the store keeps those among
// them. Asking the graph whether each other end works here (or sits on a committee here) cost more
// than reading the ties (about 35 ms of 6,000 ties and 2,000 lines), and searching the list of
// members would cost a scan of the list per relationship.
CALL (members) {
  UNWIND members AS p
  MATCH (p)-[r:REPORTS_TO]->(m:Person)
  RETURN collect(
    r {.*, person_id: p.id, manager_id: m.id, since: toString(r.since), until: toString(r.until)}
  ) AS reporting
}
CALL (members) {
  UNWIND members AS p
  MATCH (p)-[k:KNOWS]->(o:Person)
  RETURN collect(k {.*, person_id: p.id, other_id: o.id}) AS knows
}
// The reps: the whole team when it has at most $all_reps_limit reps (one count-store lookup tells),
// else those who own its deals. The store keeps those its deals and touches name: the touches come
// from account_touches, whose rep ids are known only once the store has parsed them, and a second
// round trip for their reps cost a large account more than reading a small team.
CALL () {
  MATCH (r:Rep)
  RETURN count(r) <= $all_reps_limit AS whole_team
}
CALL (whole_team, deals) {
  CALL (whole_team, deals) {
    UNWIND CASE WHEN whole_team THEN [true] ELSE [] END AS _
    MATCH (r:Rep)
    RETURN r
    UNION
    UNWIND [d IN deals | d.owner_rep_id] AS rep_id
    MATCH (r:Rep {id: rep_id})
    RETURN r
  }
  RETURN collect(r {.*}) AS reps
}
CALL (holdings, deal_products) {
  UNWIND [h IN holdings | h.product_id] + [x IN deal_products | x.product_id] AS product_id
  WITH DISTINCT product_id
  MATCH (p:Product {id: product_id})
  RETURN collect(p {.*}) AS products
}
RETURN c {.*} AS company, parent {.*} AS parent, subsidiaries, deals, deal_products, committee,
       holdings, [m IN members | m {.*}] AS people, employment, reporting, knows, reps, whole_team,
       products
