// The searchable fields of up to $limit {label} nodes without a search key yet (the one-time backfill
// of databases written before buyergraph kept them; see search_keys_read for {label}).
MATCH (n:{label})
WHERE n.search_key IS NULL
WITH n LIMIT $limit
RETURN n.id AS id, [n.name, n.domain, n.email, n.title, n.id] AS fields
