// Withdraw a correction: it stays listed (with who withdrew it and when) but no longer applies, so
// the CRM's value is back. Withdrawing twice keeps the first time.
MATCH (c:Correction {id: $id})
SET c.withdrawn_at = coalesce(c.withdrawn_at, $at),
    c.withdrawn_by = coalesce(c.withdrawn_by, $by)
RETURN c {.*} AS correction
