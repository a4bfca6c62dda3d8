// Record that the move to daily touch aggregates is complete (see touch_days_migration).
MERGE (m:Migration {id: 'touch_days'})
SET m.done_at = localdatetime()
