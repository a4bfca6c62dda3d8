// How many accounts an account list that filters on the profile alone matches (no filter on figures:
// list_account_results*.cypher). A list without any filter counts Company nodes with count_label.cypher
// instead (the count store, no scan).
MATCH (c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR c.search_key CONTAINS $search)
  AND ($owner IS NULL OR EXISTS { (c)<-[:FOR]-(:Deal {owner_rep_id: $owner}) })
RETURN count(*) AS count
