// Take the store-wide ingest lock (a lease), or say who holds it. The lock node is written first
// (`claimed`): that takes its write lock, so two ingests asking at once are served one after the
// other and only the first sees it free. Free means: nobody holds it, this owner holds it, the
// holder's lease ran out (it died without releasing: a killed process never blocks ingests for good),
// or the holder is `$dead_owner`, which the caller saw to be a process of its own host that is gone.
// Expiry is the server's clock, so the clocks of the ingesting machines do not matter.
MERGE (l:IngestLock {id: $id})
SET l.claimed = true
WITH l, (l.owner IS NULL OR l.owner IN [$owner, $dead_owner] OR l.expires_at < datetime()) AS free
FOREACH (_ IN CASE WHEN free THEN [1] ELSE [] END |
  SET l.owner = $owner, l.started_at = $started_at, l.pid = $pid, l.host = $host,
      l.expires_at = datetime() + duration({milliseconds: $lease_ms})
)
REMOVE l.claimed
RETURN l.owner AS owner, l.started_at AS started_at, l.pid AS pid, l.host AS host
