// A page of every account by name and id (the index on Company.name gives the order), with its kept
// figures; with $missing (a figure's name) only the accounts without that figure, which a list sorted by
// it shows last. Every filter is optional (null means "any"); filters on figures leave out accounts
// without a kept result.
MATCH (c:Company)
WHERE c.name IS NOT NULL
  AND ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR c.search_key CONTAINS $search)
  AND ($owner IS NULL OR EXISTS { (c)<-[:FOR]-(:Deal {owner_rep_id: $owner}) })
OPTIONAL MATCH (r:AccountResult)-[:RESULT_OF]->(c)
WITH c, r
WHERE ($missing IS NULL OR r IS NULL OR r[$missing] IS NULL)
  AND ($gap_kind IS NULL OR $gap_kind IN r.gap_kinds)
  AND ($trend IS NULL OR r.engagement_trend = $trend)
  AND ($at_risk IS NULL OR r.at_risk = $at_risk)
  AND ($buying_stage IS NULL OR r.buying_stage = $buying_stage)
  AND ($min_coverage IS NULL OR r.coverage >= $min_coverage)
  AND ($max_coverage IS NULL OR r.coverage <= $max_coverage)
  AND ($min_completeness IS NULL OR r.completeness >= $min_completeness)
  AND ($max_completeness IS NULL OR r.completeness <= $max_completeness)
  AND ($min_gaps IS NULL OR r.gaps_total >= $min_gaps)
  AND ($min_gaps_high IS NULL OR r.gaps_high >= $min_gaps_high)
WITH c, r
ORDER BY c.name, c.id
SKIP $offset LIMIT $limit
//:include fragment_account_page
