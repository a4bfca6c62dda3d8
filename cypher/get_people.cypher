// Some people by id (those that exist), for reads in batches.
UNWIND $ids AS id
MATCH (p:Person {id: id})
RETURN p {.*} AS person
