// Keep one correction (a seller's assertion, source `user`) as a Correction node: apart from the
// CRM's facts, so that an ingest never erases it. An id given twice keeps the first one.
MERGE (c:Correction {id: $id})
ON CREATE SET c += $props
RETURN c {.*} AS correction
