// The gaps answer refresh rendered for the deal $deal_id (KeptDealGapsJson), in one light read: its
// members' JSON kept on the deal's DealResult, with the day and time its account's result was
// computed and when the account's data last changed (for `stale`); not the kept detail. `members` is
// null when the account's result holds none for the deal; `format` is the render-format token it was
// rendered with, kept on the ResultDetail ("" when kept without one, null without members). No row
// without a result.
MATCH (deal:Deal {id: $deal_id})
WITH deal.company_id AS id
MATCH (r:AccountResult {account_id: id})
MATCH (x:ResultDetail {account_id: id})
OPTIONAL MATCH (d:DealResult {deal_id: $deal_id, account_id: id})
OPTIONAL MATCH (c:Company {id: id})
RETURN id AS account_id, r.as_of AS as_of, r.computed_at AS computed_at, c.changed_at AS changed_at,
       d.gaps_json AS members,
       CASE WHEN d.gaps_json IS NULL THEN null ELSE coalesce(x.answers_format, '') END AS format
LIMIT 1
