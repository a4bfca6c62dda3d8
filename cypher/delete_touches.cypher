// Remove every touch in small transactions: a touch has few relationships, so each stays small
// (a plain wipe can exceed the transaction memory pool on reps with 100k+ touches).
MATCH (t:Touch)
CALL (t) { DETACH DELETE t } IN TRANSACTIONS OF 10000 ROWS
