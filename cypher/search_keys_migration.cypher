// Whether this database still needs the one-time backfill of search keys (databases written before
// buyergraph kept them): done once the Migration node says so.
OPTIONAL MATCH (m:Migration {id: 'search_keys'})
RETURN m IS NOT NULL AS done
