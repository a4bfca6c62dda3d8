// Reps by id (those a large account's touches name: see account_graph).
UNWIND $ids AS id
MATCH (r:Rep {id: id})
RETURN collect(r {.*}) AS reps
