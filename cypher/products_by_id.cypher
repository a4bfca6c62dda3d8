MATCH (p:Product) WHERE p.id IN $ids
RETURN p {.*} AS product
