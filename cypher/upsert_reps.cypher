UNWIND $rows AS row
MERGE (r:Rep {id: row.id})
SET r += row.props
RETURN count(r) AS n
