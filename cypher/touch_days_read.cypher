// The touches of (account, day) groups, to recompute their daily aggregates: each group's touches on
// that day (found by the touch_at index) with at least one person of the account (works or worked
// there, or sits on a committee of one of its deals). Groups without touches return no row.
UNWIND $groups AS g
WITH g, date(g.day) AS day
MATCH (c:Company {id: g.company_id})
MATCH (t:Touch)
  WHERE t.at >= localdatetime({date: day}) AND t.at < localdatetime({date: day + duration('P1D')})
    AND EXISTS {
      MATCH (t)-[:WITH]->(p:Person)
      WHERE EXISTS { (p)-[:WORKS_AT]->(c) } OR EXISTS { (p)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c) }
    }
WITH g, t
RETURN g.company_id AS company_id, g.day AS day, collect(t {
  .id, .kind, .direction, .duration_s,
  at: toString(t.at),
  person_ids: COLLECT { MATCH (t)-[:WITH]->(a:Person) RETURN a.id },
  rep_id: COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0]
}) AS touches
