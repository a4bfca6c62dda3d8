// Accounts whose name, domain or id contains $search (already folded: lower case, no accents), ignoring
// case and accents in the stored values too (the rule of graph/search.py); a null $search lists all.
MATCH (c:Company)
WITH c, [field IN [c.name, c.domain, c.id] WHERE field IS NOT NULL |
         reduce(s = '', ch IN split(normalize(toLower(field), NFKD), '') |
                s + CASE WHEN ch >= '\u0300' AND ch <= '\u036f' THEN '' ELSE ch END)] AS folded
WHERE $search IS NULL OR any(f IN folded WHERE f CONTAINS $search)
WITH c ORDER BY c.name, c.id
WITH collect(c) AS matched
RETURN size(matched) AS count,
       [c IN matched[$offset..($offset + $limit)] | c {.*}] AS data
