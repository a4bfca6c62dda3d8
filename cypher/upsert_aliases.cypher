// Source ids that ingest merged into another record, kept as aliases of it. An Alias node per
// (kind, id) rather than a list on the survivor: it is found by an index seek, it survives the
// survivor being written again, and it can point at a survivor that a later ingest merged away too.
UNWIND $rows AS row
MERGE (a:Alias {kind: row.kind, id: row.id})
SET a.into = row.into, a.reason = row.reason
RETURN count(a) AS n
