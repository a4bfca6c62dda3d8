// Extend the lease of the ingest lock while its owner is still at work; 0 when it lost the lock.
MATCH (l:IngestLock {id: $id})
WHERE l.owner = $owner
SET l.expires_at = datetime() + duration({milliseconds: $lease_ms})
RETURN count(l) AS renewed
