// One batch of people. `row.props` holds the given values; an inferred seniority (and the
// function inferred with it) never overwrites one a source asserted.
UNWIND $rows AS row
MERGE (p:Person {id: row.id})
WITH p, row,
     (row.props.seniority_source = 'inferred'
      AND p.seniority_source IS NOT NULL AND p.seniority_source <> 'inferred') AS keep_asserted
SET p += CASE WHEN keep_asserted THEN row.props_without_seniority ELSE row.props END
WITH p, row
CALL (p, row) {
  WITH p, row WHERE row.props.company_id IS NOT NULL
  MATCH (c:Company {id: row.props.company_id})
  MERGE (p)-[w:WORKS_AT]->(c)
  SET w.title = coalesce(row.props.title, w.title)
}
CALL (p, row) {
  WITH p, row WHERE row.props.reports_to_id IS NOT NULL
  MATCH (m:Person {id: row.props.reports_to_id})
  MERGE (p)-[r:REPORTS_TO]->(m)
  SET r.kind = coalesce(r.kind, 'solid')
}
RETURN count(p) AS n
