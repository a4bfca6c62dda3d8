UNWIND $rows AS row
MERGE (p:Product {id: row.id})
SET p += row.props
RETURN count(p) AS n
