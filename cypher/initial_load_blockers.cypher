// Whether the database holds anything a first load (`ingest --initial`) would replace: any node but
// the bookkeeping a new store writes by itself (its Migration mark, an ingest lock being held).
OPTIONAL MATCH (n)
WHERE NOT (n:IngestLock OR n:Migration)
WITH n LIMIT 1
RETURN n IS NOT NULL AS found
