// Accounts found by $search (graph/search.py's search_needle: folded, without spaces) in the search
// key written with each company (name, domain, id; folded, compacted and in pinyin: search_key);
// a null $search lists all.
MATCH (c:Company)
WHERE $search IS NULL OR c.search_key CONTAINS $search
WITH c ORDER BY c.name, c.id
WITH collect(c) AS matched
RETURN size(matched) AS count,
       [c IN matched[$offset..($offset + $limit)] | c {.*}] AS data
