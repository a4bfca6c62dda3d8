// A page of every deal, filtered on its fields and kept result, sorted by one allow-listed figure
// ($sort; deals without it last), then name and id. A deal without status counts as open. $search
// (graph/search.py's search_needle) is found in the deal's or its account's search key.
MATCH (d:Deal)
WHERE ($status IS NULL OR coalesce(d.status, 'open') = $status)
  AND ($stage IS NULL OR d.stage = $stage)
  AND ($min_amount IS NULL OR d.amount >= $min_amount)
  AND ($max_amount IS NULL OR d.amount <= $max_amount)
  AND ($owner IS NULL OR d.owner_rep_id = $owner)
  AND ($account_id IS NULL OR d.company_id = $account_id)
  AND ($search IS NULL OR d.search_key CONTAINS $search
       OR EXISTS { MATCH (c:Company {id: d.company_id}) WHERE c.search_key CONTAINS $search })
OPTIONAL MATCH (r:DealResult {deal_id: d.id, account_id: d.company_id})
WITH d, r
WHERE $gap_kind IS NULL OR $gap_kind IN r.gap_kinds
WITH d, r,
     CASE $sort
       WHEN 'amount' THEN d.amount
       WHEN 'coverage' THEN r.coverage
       WHEN 'completeness' THEN r.completeness
       WHEN 'gaps_total' THEN r.gaps_total
       WHEN 'gaps_high' THEN r.gaps_high
     END AS figure
WITH d, r, CASE WHEN $descending THEN -figure ELSE figure END AS key
ORDER BY key IS NULL, key, coalesce(d.name, ''), d.id
WITH collect({d: d, r: r}) AS matched
WITH size(matched) AS count, matched[$offset..($offset + $limit)] AS page
CALL (page) {
  UNWIND page AS row
  WITH row.d AS d, row.r AS r
  OPTIONAL MATCH (c:Company {id: d.company_id})
  RETURN collect({
    deal: d {.*},
    result: r {.*, gaps_json: null},  // the rendered gaps answer (kept for GET .../gaps) is not listed
    changed_at: c.changed_at,
    gaps: CASE WHEN r IS NULL THEN [] ELSE
          COLLECT { MATCH (g:Gap {deal_id: d.id, account_id: r.account_id}) RETURN g {.*} } END
  }) AS data
}
RETURN count, data
