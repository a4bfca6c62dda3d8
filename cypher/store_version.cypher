// The token that bump_store_version sets at every change through a server (null before the first).
OPTIONAL MATCH (v:StoreVersion {id: 'graph'})
RETURN v.token AS token
