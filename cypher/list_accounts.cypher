// A page of accounts; every filter is optional (a null parameter means "any"). $search is
// graph/search.py's search_needle, found in the key its search_key wrote (name, domain, id).
MATCH (c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR c.search_key CONTAINS $search)
WITH c ORDER BY c.name, c.id
WITH collect(c) AS matched
RETURN size(matched) AS count,
       [c IN matched[$offset..($offset + $limit)] | c {.*}] AS data
