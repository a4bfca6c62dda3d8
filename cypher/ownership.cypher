// The installed base of every account, for cross-sell across all accounts.
MATCH (c:Company)
WITH c ORDER BY c.id
OPTIONAL MATCH (c)-[r:OWNS]->(p:Product)
RETURN c {.*} AS company, collect(r {.*, company_id: c.id, product_id: p.id}) AS holdings
