// One page of the change log: changes after a cursor, optionally since a time, of a kind, of an account.
MATCH (c:Change)
WHERE c.cursor > $after
  AND ($since IS NULL OR c.detected_at >= $since)
  AND ($kind IS NULL OR c.kind = $kind)
  AND ($account_id IS NULL OR c.account_id = $account_id)
RETURN c {.*} AS change
ORDER BY c.cursor
LIMIT $limit
