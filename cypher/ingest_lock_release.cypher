// Give the ingest lock back (only its owner can): the node goes, so no lock is left in the graph.
MATCH (l:IngestLock {id: $id})
WHERE l.owner = $owner
DELETE l
