// Record that the one-time migration $id is complete (see migration_done.cypher).
MERGE (m:Migration {id: $id})
SET m.done_at = localdatetime()
