// The gaps of open deals: (:Gap)-[:GAP_OF]->(:Deal), and -[:CONCERNS]->(:Person) when a person is
// named. A gap is the deal's gap at `position`: the node of the last refresh is overwritten, and a
// CONCERNS to a person it no longer names is removed.
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
MERGE (g:Gap {account_id: row.account_id, deal_id: row.deal_id, position: row.position})
SET g = row
MERGE (g)-[:GAP_OF]->(d)
WITH g, row
CALL (g, row) {
  MATCH (g)-[old:CONCERNS]->(p:Person)
  WHERE row.person_id IS NULL OR p.id <> row.person_id
  DELETE old
}
WITH g, row
MATCH (p:Person {id: row.person_id})
MERGE (g)-[:CONCERNS]->(p)
