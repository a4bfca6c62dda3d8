// The aliases of one kind (companies, people) merged into some ids: one hop, by the `into` index.
UNWIND $ids AS into_id
MATCH (a:Alias {kind: $kind, into: into_id})
RETURN a.kind AS kind, a.id AS id, a.into AS into, a.reason AS reason
