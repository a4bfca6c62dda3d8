// A page of our reps (optionally of one team or kind; $search is graph/search.py's search_needle,
// found in the rep's search key of name, e-mail and id), ordered by name then id, each with how many accounts they work
// on: the accounts of the deals they own and the current accounts of the people they touched.
MATCH (r:Rep)
WHERE ($team IS NULL OR r.team = $team) AND ($kind IS NULL OR r.kind = $kind)
WITH r
WHERE $search IS NULL OR r.search_key CONTAINS $search
WITH r ORDER BY r.name, r.id
WITH collect(r) AS matched
WITH size(matched) AS count, matched[$offset..($offset + $limit)] AS page
CALL (page) {
  UNWIND page AS r
  CALL (r) {
    CALL (r) {
      MATCH (r)<-[:OWNED_BY]-(:Deal)-[:FOR]->(c:Company)
      RETURN c.id AS account
      UNION
      MATCH (r)<-[:BY]-(:Touch)-[:WITH]->(p:Person)
      WITH DISTINCT p.company_id AS company_id
      MATCH (c:Company {id: company_id})
      RETURN c.id AS account
    }
    RETURN count(account) AS accounts
  }
  RETURN collect({rep: r {.*}, accounts: accounts}) AS data
}
RETURN count, data
