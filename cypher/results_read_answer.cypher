// What one account's read endpoints answer from (KeptAnswer), in one read: the account named by
// $company_id, or else the account of the deal $deal_id; its kept detail (JSON text), the day and time
// it was computed, and when the account's data last changed (for `stale`). No row when there is none.
OPTIONAL MATCH (deal:Deal {id: $deal_id})
WITH coalesce($company_id, deal.company_id) AS id
MATCH (r:AccountResult {account_id: id})
MATCH (x:ResultDetail {account_id: id})
OPTIONAL MATCH (c:Company {id: id})
RETURN id AS account_id, r.as_of AS as_of, r.computed_at AS computed_at, c.changed_at AS changed_at,
       x.body AS body
LIMIT 1
