// Before kept results are written: take each account's company write lock (held until commit; an
// ingest or an erasure takes the same lock when it marks the account changed), then return the
// accounts whose result was computed at or after their last change. The others are not written:
// their old result stays (and reads stale), and a result read before an erasure never comes back.
UNWIND $rows AS row
MATCH (c:Company {id: row.account_id})
SET c.results_lock = true
REMOVE c.results_lock
WITH c, row
WHERE c.changed_at IS NULL OR c.changed_at <= row.computed_at
RETURN collect(c.id) AS ids
