// How many accounts with a kept result an account list matches (list_account_results*.cypher, the same
// filters), for lists that filter on figures (accounts without a kept result never match those) or,
// with $with_figure (a figure's name), to count those that have that figure. Starts from the kept
// results: one pass over them, each passing one followed to its company (RESULT_OF: a hop, cheaper than
// an index seek on the company's id).
MATCH (r:AccountResult)
WHERE ($with_figure IS NULL OR r[$with_figure] IS NOT NULL)
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
RETURN count(*) AS count
