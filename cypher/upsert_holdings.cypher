UNWIND $rows AS row
MATCH (c:Company {id: row.company_id})
MATCH (p:Product {id: row.product_id})
MERGE (c)-[r:OWNS]->(p)
SET r += row.props
RETURN count(r) AS n
