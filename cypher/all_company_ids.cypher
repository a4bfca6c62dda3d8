// Every account id, in id order (the one-time aggregate migration walks them in batches).
MATCH (c:Company)
RETURN c.id AS id ORDER BY id
