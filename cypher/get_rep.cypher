MATCH (r:Rep {id: $id})
RETURN r {.*} AS rep
