// Before new results are written over the last refresh's nodes: remove the nodes the new results no
// longer have (a deal closed, a gap or a key person gone), in the same transaction. Each row names an
// account and the keys its new results hold ($rows: account_id, deal_ids, gap_keys "deal_id|position",
// person_ids, detail).
UNWIND $rows AS row MATCH (r:DealResult {account_id: row.account_id})
  WHERE NOT r.deal_id IN row.deal_ids DETACH DELETE r;
UNWIND $rows AS row MATCH (r:Gap {account_id: row.account_id})
  WHERE NOT (r.deal_id + '|' + toString(r.position)) IN row.gap_keys DETACH DELETE r;
UNWIND $rows AS row MATCH (r:PersonResult {account_id: row.account_id})
  WHERE NOT r.person_id IN row.person_ids DETACH DELETE r;
UNWIND $rows AS row MATCH (r:ResultDetail {account_id: row.account_id})
  WHERE NOT row.detail DETACH DELETE r
