// Remove everything, in batches: relationships first, so that deleting a node with a hundred
// thousand relationships (a busy rep) never needs one huge transaction.
MATCH ()-[r]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS
