// Whether the one-time migration $id ('touch_days', 'search_keys', ...) has run on this database:
// done once its Migration node says so (migration_mark.cypher).
OPTIONAL MATCH (m:Migration {id: $id})
RETURN m IS NOT NULL AS done
