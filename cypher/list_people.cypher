// A page of people, optionally of one account (current or former employees); $search is
// graph/search.py's search_needle, found in the key search_key wrote (name, e-mail, title, id).
MATCH (p:Person)
WHERE ($company_id IS NULL OR EXISTS { (p)-[:WORKS_AT]->(:Company {id: $company_id}) })
  AND ($search IS NULL OR p.search_key CONTAINS $search)
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS count,
       [p IN matched[$offset..($offset + $limit)] | p {.*}] AS data
