// Corrections, newest first, filtered by account, person (named in any role), deal and kind; the
// withdrawn ones only when asked for (the active rule spelled here, the one exception named in
// fragment_active_corrections.cypher). One page and the total; instants as ISO text (see
// corrections_of_accounts.cypher).
MATCH (c:Correction)
WHERE ($company_id IS NULL OR c.company_id = $company_id)
  AND ($person_id IS NULL OR c.person_id = $person_id OR c.other_id = $person_id
       OR $person_id IN coalesce(c.person_ids, []))
  AND ($deal_id IS NULL OR c.deal_id = $deal_id)
  AND ($kind IS NULL OR c.kind = $kind)
  AND ($include_withdrawn OR c.withdrawn_at IS NULL)
WITH c ORDER BY c.at DESC, c.id
WITH collect(c {.*, at: toString(c.at), withdrawn_at: toString(c.withdrawn_at), touch_at: toString(c.touch_at)}) AS rows
RETURN size(rows) AS count, rows[$offset..$offset + $limit] AS data
