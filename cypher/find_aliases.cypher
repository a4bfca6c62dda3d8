// The aliases among some ids of one kind (companies, people): one hop, the caller follows chains.
UNWIND $ids AS alias_id
MATCH (a:Alias {kind: $kind, id: alias_id})
RETURN a.kind AS kind, a.id AS id, a.into AS into, a.reason AS reason
