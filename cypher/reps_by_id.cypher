MATCH (r:Rep) WHERE r.id IN $ids
RETURN r {.*} AS rep
