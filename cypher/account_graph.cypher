// Accounts and everything their analyses read, one record per account: the company, its parent and
// subsidiaries, deals with products and committee, holdings, its people (everyone who works or
// worked there, plus committee members of its deals) with their employment there, reporting lines
// and KNOWS ties among them, its daily touch aggregates (TouchDay nodes, see touch_days_write),
// the reps and products these name, and the sellers' active corrections, which the store lays over
// these facts. One query reads one account or a batch of them (refresh): one round trip.
// Dates and instants travel as ISO strings (toString): the driver builds its own temporal objects
// in Python, several times slower than the models parse the strings.
// The accounts are named by their ids ($company_ids, with $deal_id null) or one account by one of
// its deals ($deal_id, with $company_ids null), so that a deal's analysis needs no lookup first.
OPTIONAL MATCH (:Deal {id: $deal_id})-[:FOR]->(of_deal:Company)
WITH CASE WHEN $deal_id IS NULL THEN $company_ids ELSE collect(of_deal.id) END AS company_ids
UNWIND company_ids AS company_id
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
// The daily touch aggregates as columns: each TouchDay node's row lists, in day order (the store
// joins them); reading a few list properties of some hundred nodes, not every touch.
CALL (c) {
  OPTIONAL MATCH (g:TouchDay {company_id: c.id})
  WITH g ORDER BY g.day
  RETURN collect(toString(g.day)) AS days, collect(g.actors) AS actors, collect(g.persons) AS persons,
         collect(g.pairs) AS pairs, collect(g.kinds) AS kinds, collect(g.directions) AS directions,
         collect(g.counts) AS counts, collect(g.seconds) AS seconds, collect(g.untimed) AS untimed,
         collect(g.reps) AS day_reps
}
CALL (day_reps, deals) {
  UNWIND reduce(ids = [], x IN day_reps | ids + x) + [d IN deals | d.owner_rep_id] AS rep_id
  WITH DISTINCT rep_id
  MATCH (r:Rep {id: rep_id})
  RETURN collect(r {.*}) AS reps
}
CALL (holdings, deal_products) {
  UNWIND [h IN holdings | h.product_id] + [x IN deal_products | x.product_id] AS product_id
  WITH DISTINCT product_id
  MATCH (p:Product {id: product_id})
  RETURN collect(p {.*}) AS products
}
// Touches about the account's deals (Touch -ABOUT-> Deal), counted per deal, person and day: who is
// active on a deal (graph/analyses/suggestions.py). As four columns in (deal, person, day) order,
// not one map per row: the store reads them into arrays (graph.model.DealTouches).
CALL (c) {
  MATCH (d:Deal)-[:FOR]->(c)
  MATCH (t:Touch)-[:ABOUT]->(d)
  MATCH (t)-[:WITH]->(p:Person)
  WITH d.id AS deal_id, p.id AS person_id, toString(date(t.at)) AS day, count(DISTINCT t) AS n
  ORDER BY deal_id, person_id, day
  RETURN collect(deal_id) AS about_deals, collect(person_id) AS about_persons, collect(day) AS about_days,
         collect(n) AS about_counts
}
// The sellers' active corrections of the account, by the rule corrections_of_accounts reads them
// with (the fragment), in this query so that a read is one round trip.
CALL (c) {
  WITH c.id AS company_id
  CALL (company_id) {
    //:include fragment_active_corrections
  }
  RETURN collect(correction) AS corrections
}
RETURN c {.*} AS company, parent {.*} AS parent, subsidiaries, deals, deal_products, committee,
       holdings, [m IN members | m {.*, converted_on: toString(m.converted_on)}] AS people, employment,
       reporting, knows, days, actors,
       persons, pairs, kinds, directions, counts, seconds, untimed, reps, products, about_deals,
       about_persons, about_days, about_counts, corrections
