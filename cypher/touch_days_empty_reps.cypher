// After an offline import: the daily touch aggregates without a rep hold an empty `reps` list, as the
// online ingest writes them (the importer cannot write an empty list; it leaves the property out).
MATCH (n:TouchDay) WHERE n.reps IS NULL
CALL (n) { SET n.reps = [] } IN TRANSACTIONS OF 10000 ROWS
