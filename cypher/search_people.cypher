// People whose name, e-mail or id contains $search (already folded: lower case, no accents), ignoring
// case and accents in the stored values too (the rule of graph/search.py), optionally of one account
// (current or former employees); a null $search lists all.
MATCH (p:Person)
WHERE $company_id IS NULL OR EXISTS { (p)-[:WORKS_AT]->(:Company {id: $company_id}) }
WITH p, [field IN [p.name, p.email, p.id] WHERE field IS NOT NULL |
         reduce(s = '', ch IN split(normalize(toLower(field), NFKD), '') |
                s + CASE WHEN ch >= '\u0300' AND ch <= '\u036f' THEN '' ELSE ch END)] AS folded
WHERE $search IS NULL OR any(f IN folded WHERE f CONTAINS $search)
WITH p ORDER BY p.name, p.id
WITH collect(p) AS matched
RETURN size(matched) AS count,
       [p IN matched[$offset..($offset + $limit)] | p {.*}] AS data
