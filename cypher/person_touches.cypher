// Every touch with one person, newest first (the person page): no record when there is no such person.
MATCH (p:Person {id: $person_id})
RETURN [(p)<-[:WITH]-(t:Touch) | t {
  .*,
  at: toString(t.at),
  person_ids: COLLECT { MATCH (t)-[:WITH]->(a:Person) RETURN a.id ORDER BY a.id },
  rep_id: COLLECT { MATCH (t)-[:BY]->(r:Rep) RETURN r.id }[0],
  deal_id: COLLECT { MATCH (t)-[:ABOUT]->(d:Deal) RETURN d.id }[0]
}] AS touches
