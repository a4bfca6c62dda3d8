// Remove every node, in batches (after wipe.cypher has removed the relationships).
MATCH (n)
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
