// One batch of companies. Null values never erase stored ones; the industry and parent links
// follow the current values (an industry left empty is removed); children loaded earlier than
// their parent are linked now.
UNWIND $rows AS row
MERGE (c:Company {id: row.id})
SET c += row.props
WITH c, row
CALL (c, row) {
  WITH c, row WHERE row.props.industry IS NOT NULL
  OPTIONAL MATCH (c)-[old:IN_INDUSTRY]->(other:Industry) WHERE other.name <> row.props.industry
  DELETE old
  WITH c, row, other
  CALL (other) {
    // An industry no company is in any more is gone, as the embedded store counts it.
    WITH other WHERE other IS NOT NULL AND NOT EXISTS { (:Company)-[:IN_INDUSTRY]->(other) }
    DELETE other
  }
  MERGE (i:Industry {name: row.props.industry})
  MERGE (c)-[:IN_INDUSTRY]->(i)
}
CALL (c, row) {
  WITH c, row WHERE row.props.parent_id IS NOT NULL
  OPTIONAL MATCH (c)-[old:SUBSIDIARY_OF]->(other:Company) WHERE other.id <> row.props.parent_id
  DELETE old
  WITH c, row
  MATCH (parent:Company {id: row.props.parent_id})
  MERGE (c)-[:SUBSIDIARY_OF]->(parent)
}
CALL (c) {
  MATCH (child:Company {parent_id: c.id})
  MERGE (child)-[:SUBSIDIARY_OF]->(c)
}
RETURN count(c) AS n
