// One DealResult per open deal, linked to its deal: the node of the last refresh overwritten.
UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
MERGE (r:DealResult {deal_id: row.deal_id, account_id: row.account_id})
SET r = row
MERGE (r)-[:RESULT_OF]->(d)
