// Remove every node but the one-time migrations' marks, in batches (after wipe.cypher has removed the
// relationships). An emptied database holds nothing of an earlier layout and whatever is written to it
// next is in today's, so its Migration nodes stay: without them every later open of the store reran
// the migrations over the whole graph loaded since (bench/bench_api.py --wipe reloading a world).
MATCH (n) WHERE NOT n:Migration
CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS
