// Accounts with no kept result, or whose data changed after it was computed (all with $everything).
MATCH (c:Company)
OPTIONAL MATCH (r:AccountResult {account_id: c.id})
WITH c, r
WHERE $everything OR r IS NULL OR (c.changed_at IS NOT NULL AND c.changed_at > r.computed_at)
RETURN c.id AS id
ORDER BY id
