// A page of accounts; every filter is optional (a null parameter means "any").
MATCH (c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR toLower(c.name) CONTAINS $search
       OR toLower(coalesce(c.domain, '')) CONTAINS $search)
WITH c ORDER BY c.name, c.id
WITH collect(c) AS matched
RETURN size(matched) AS count,
       [c IN matched[$offset..($offset + $limit)] | c {.*}] AS data
