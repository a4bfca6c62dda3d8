// One DealResult per open deal, linked to its deal.
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
CREATE (r:DealResult)-[:RESULT_OF]->(d)
SET r = row
