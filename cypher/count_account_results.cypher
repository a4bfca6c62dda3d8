// How many accounts an account list matches (list_account_results*.cypher, same filters); with
// $with_figure (a figure's name) only those that have that figure. A list without any filter counts
// Company nodes instead (count_label.cypher: the count store, no scan).
MATCH (c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR toLower(c.name) CONTAINS $search
       OR toLower(coalesce(c.domain, '')) CONTAINS $search)
  AND ($owner IS NULL OR EXISTS { (c)<-[:FOR]-(:Deal {owner_rep_id: $owner}) })
OPTIONAL MATCH (r:AccountResult {account_id: c.id})
WITH c, r
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
RETURN count(*) AS count
