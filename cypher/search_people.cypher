// People found by $search (graph/search.py's search_needle: folded, without spaces) in the search
// key written with each person (name, e-mail, title, id; folded, compacted and in pinyin: search_key),
// optionally of one account (current or former employees); a null $search lists all.
MATCH (p:Person)
WHERE ($company_id IS NULL OR EXISTS { (p)-[:WORKS_AT]->(:Company {id: $company_id}) })
  AND ($search IS NULL OR p.search_key CONTAINS $search)
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS count,
       [p IN matched[$offset..($offset + $limit)] | p {.*}] AS data
