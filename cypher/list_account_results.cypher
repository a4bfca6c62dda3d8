// A page of the accounts that have the kept figure {key}, in its order, then name and id. {key} is filled
// in from the allow-list ACCOUNT_SORTS, never from input: a figure (ascending) or its negation
// `<figure>_desc` (descending). The walk follows the composite index on ({key}, name, account_id)
// (cypher/schema.cypher) and stops at the page's end: no match is collected, no tie is sorted.
// Every filter is optional (null means "any"); the accounts without the figure are listed by
// list_account_results_by_name.cypher after these.
MATCH (r:AccountResult)
WHERE r.{key} IS NOT NULL AND r.name IS NOT NULL AND r.account_id IS NOT NULL
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
MATCH (r)-[:RESULT_OF]->(c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR c.search_key CONTAINS $search)
  AND ($owner IS NULL OR EXISTS { (c)<-[:FOR]-(:Deal {owner_rep_id: $owner}) })
WITH c, r
ORDER BY r.{key}, r.name, r.account_id
SKIP $offset LIMIT $limit
//:include fragment_account_page
