// A page of every account, filtered on its profile and kept figures, sorted by one allow-listed figure
// ($sort; accounts without it last), then name and id. Every filter is optional (null means "any").
MATCH (c:Company)
WHERE ($industry IS NULL OR c.industry = $industry)
  AND ($status IS NULL OR c.status = $status)
  AND ($search IS NULL OR toLower(c.name) CONTAINS $search
       OR toLower(coalesce(c.domain, '')) CONTAINS $search)
  AND ($owner IS NULL OR EXISTS { (c)<-[:FOR]-(:Deal {owner_rep_id: $owner}) })
OPTIONAL MATCH (r:AccountResult {account_id: c.id})
WITH c, r
WHERE ($gap_kind IS NULL OR $gap_kind IN r.gap_kinds)
  AND ($trend IS NULL OR r.engagement_trend = $trend)
  AND ($at_risk IS NULL OR r.at_risk = $at_risk)
  AND ($buying_stage IS NULL OR r.buying_stage = $buying_stage)
  AND ($min_coverage IS NULL OR r.coverage >= $min_coverage)
  AND ($max_coverage IS NULL OR r.coverage <= $max_coverage)
  AND ($min_completeness IS NULL OR r.completeness >= $min_completeness)
  AND ($max_completeness IS NULL OR r.completeness <= $max_completeness)
  AND ($min_gaps IS NULL OR r.gaps_total >= $min_gaps)
  AND ($min_gaps_high IS NULL OR r.gaps_high >= $min_gaps_high)
WITH c, r,
     CASE $sort
       WHEN 'coverage' THEN r.coverage
       WHEN 'completeness' THEN r.completeness
       WHEN 'gaps_total' THEN r.gaps_total
       WHEN 'gaps_high' THEN r.gaps_high
       WHEN 'engagement_score' THEN r.engagement_score
     END AS figure
WITH c, r, CASE WHEN $descending THEN -figure ELSE figure END AS key
ORDER BY key IS NULL, key, c.name, c.id
WITH collect({company: c {.*}, result: r {.*}, changed_at: c.changed_at}) AS matched
RETURN size(matched) AS count, matched[$offset..($offset + $limit)] AS data
