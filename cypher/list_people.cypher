// A page of people, optionally of one account (current or former employees).
MATCH (p:Person)
WHERE ($company_id IS NULL OR EXISTS { (p)-[:WORKS_AT]->(:Company {id: $company_id}) })
  AND ($search IS NULL OR toLower(p.name) CONTAINS $search
       OR toLower(coalesce(p.email, '')) CONTAINS $search
       OR toLower(coalesce(p.title, '')) CONTAINS $search)
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS count,
       [p IN matched[$offset..($offset + $limit)] | p {.*}] AS data
