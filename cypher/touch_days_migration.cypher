// Whether this database still needs the one-time move to daily touch aggregates (buyergraph 0.x
// kept a packed copy of every touch instead): done once the Migration node says so.
OPTIONAL MATCH (m:Migration {id: 'touch_days'})
RETURN m IS NOT NULL AS done
