// The (account, day) groups of daily touch aggregates that these touches count in: every account
// any of their attendees works or worked at, or sits on a committee of a deal of, with the day of
// the touch. A touch write recomputes the groups found before and after it (see touch_days_read).
UNWIND $ids AS id
MATCH (t:Touch {id: id})-[:WITH]->(p:Person)
CALL (p) {
  MATCH (p)-[:WORKS_AT]->(c:Company)
  RETURN c.id AS company_id
  UNION
  MATCH (p)-[:IN_COMMITTEE]->(:Deal)-[:FOR]->(c:Company)
  RETURN c.id AS company_id
}
RETURN DISTINCT company_id, toString(date(t.at)) AS day
