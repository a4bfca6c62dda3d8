UNWIND $rows AS row
MATCH (d:Deal {id: row.deal_id})
MATCH (p:Product {id: row.product_id})
MERGE (d)-[r:INCLUDES]->(p)
SET r += row.props
RETURN count(r) AS n
