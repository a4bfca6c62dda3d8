// One step of the move to daily touch aggregates: drop the packed copies (and the link properties of
// still earlier versions) of up to $limit touches; returns how many it changed (0: finished).
MATCH (t:Touch)
WHERE t.packed IS NOT NULL OR t.person_ids IS NOT NULL OR t.rep_id IS NOT NULL OR t.deal_id IS NOT NULL
WITH t LIMIT $limit
REMOVE t.packed, t.person_ids, t.rep_id, t.deal_id
RETURN count(t) AS changed
