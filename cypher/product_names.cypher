// The whole product catalogue's names, so that a cross-sell item is named even when its account owns nothing of it.
MATCH (p:Product)
RETURN p.id AS id, p.name AS name
ORDER BY id
