// The gaps of open deals: (:Gap)-[:GAP_OF]->(:Deal), and -[:CONCERNS]->(:Person) when a person is named.
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
CREATE (g:Gap)-[:GAP_OF]->(d)
SET g = row
WITH g, row
MATCH (p:Person {id: row.person_id})
CREATE (g)-[:CONCERNS]->(p)
