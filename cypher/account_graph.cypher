// One account and everything its analyses read, as one record: the company, its parent and
// subsidiaries, deals with products and committee, holdings, its people (everyone who works or
// worked there, plus committee members of its deals) with their employment there, reporting lines
// and KNOWS ties among them, every touch with any of them, and the reps and products these name.
// One query is one network round trip: on a small account the round trips were most of the fetch.
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
// A touch comes back as its one `packed` string (see create_touches): reading one property of
// each of the tens of thousands of touches of a large account costs a fraction of reading nine.
// Touches written before `packed` existed come back as maps, from the attendee ids, rep id and
// deal id that later versions kept as properties, or else from their relationships.
CALL (members) {
  UNWIND members AS p
  MATCH (p)<-[:WITH]-(t:Touch)
  WITH DISTINCT t
  WITH t, t.packed AS packed
  WITH collect(packed) AS packed_touches, collect(CASE WHEN packed IS NULL THEN t END) AS unpacked
  RETURN packed_touches, [t IN unpacked |
    CASE
      WHEN t.person_ids IS NOT NULL THEN t {.*, at: toString(t.at)}
      ELSE t {
        .*,
        at: toString(t.at),
        person_ids: COLLECT { MATCH (t)-[:WITH]->(a:Person) RETURN a.id ORDER BY a.id },
        rep_id: COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0],
        deal_id: COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0]
      }
    END
  ] AS touches
}
// The rep ids of packed touches are their eighth field. Splitting every string costs about 35 ms on
// 50,000 touches: above $rep_split_limit touches the store reads the rep ids from its own parse of the
// strings and fetches those reps with get_reps instead (a second round trip, which a small account
// would feel more than the split).
CALL (packed_touches, touches, deals) {
  UNWIND CASE
           WHEN size(packed_touches) <= $rep_split_limit THEN [x IN packed_touches | split(x, $sep)[7]]
           ELSE []
         END
         + [x IN touches WHERE x.rep_id IS NOT NULL | x.rep_id]
         + [d IN deals | d.owner_rep_id] AS rep_id
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
RETURN c {.*} AS company, parent {.*} AS parent, subsidiaries, deals, deal_products, committee,
       holdings, [m IN members | m {.*}] AS people, employment, reporting, knows, packed_touches,
       touches, reps, products
