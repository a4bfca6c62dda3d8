// Mark the graph as changed: every server process keys its caches on this token (store_version),
// so an erasure or an upload through one worker is seen by all of them at their next request.
MERGE (v:StoreVersion {id: 'graph'})
SET v.token = randomUUID()
RETURN v.token AS token
