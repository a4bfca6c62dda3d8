// Every touch with any person of one account (everyone who works or worked there, plus committee
// members of its deals: the same people as account_graph), and the reps these touches name. The
// store runs it in a second session at the same time as account_without_touches (see there), for a
// large account; its parts are account_graph's, which a small account is read with. The account is
// named by its id ($company_id, with $deal_id null) or by one of its deals ($deal_id, with
// $company_id null). No record when there is no such account.
OPTIONAL MATCH (:Deal {id: $deal_id})-[:FOR]->(of_deal:Company)
WITH coalesce(of_deal.id, $company_id) AS company_id
MATCH (c:Company {id: company_id})
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
// The reps these touches name, unless account_without_touches reads the whole team (at most $all_reps_limit
// reps). The rep ids of packed touches are their eighth field. Splitting every string costs about
// 35 ms on 50,000 touches: above $rep_split_limit touches the store reads the rep ids from its own
// parse of the strings and fetches those reps with get_reps instead (a second round trip, which a
// small account would feel more than the split).
CALL () {
  MATCH (r:Rep)
  RETURN count(r) > $all_reps_limit AS large_team
}
CALL (packed_touches, touches, large_team) {
  UNWIND CASE
           WHEN NOT large_team THEN []
           WHEN size(packed_touches) <= $rep_split_limit THEN [x IN packed_touches | split(x, $sep)[7]]
           ELSE []
         END
         + [x IN touches WHERE large_team AND x.rep_id IS NOT NULL | x.rep_id] AS rep_id
  WITH DISTINCT rep_id
  MATCH (r:Rep {id: rep_id})
  RETURN collect(r {.*}) AS reps
}
RETURN packed_touches, touches, reps
