// Record that every Company, Person, Rep and Deal has its search key (see search_keys_migration).
MERGE (m:Migration {id: 'search_keys'})
SET m.done_at = localdatetime()
