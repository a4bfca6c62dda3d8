// The accounts one rep works on, by name then id, one page: the accounts of the deals they own (how
// many) and the current accounts of the people they touched (how many touches, the last one's day).
MATCH (r:Rep {id: $rep_id})
CALL (r) {
  MATCH (r)<-[:OWNED_BY]-(d:Deal)-[:FOR]->(c:Company)
  RETURN c, count(d) AS owned, 0 AS touches, null AS last
  UNION ALL
  MATCH (r)<-[:BY]-(t:Touch)-[:WITH]->(p:Person)
  MATCH (c:Company {id: p.company_id})
  WITH DISTINCT c, t
  RETURN c, 0 AS owned, count(t) AS touches, max(t.at) AS last
}
WITH c, sum(owned) AS owned, sum(touches) AS touches, max(last) AS last
ORDER BY c.name, c.id
WITH collect({account: c {.*}, owned: owned, touches: touches, last: toString(date(last))}) AS matched
RETURN size(matched) AS count, matched[$offset..($offset + $limit)] AS data
