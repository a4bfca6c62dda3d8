// The active corrections of these accounts (`active_corrections`); account_graph reads the same ones
// with each account (its `corrections` column), to lay them over the stored facts. Instants
// travel as ISO text: the driver turns a zoned DATETIME into Python's slowly (about 0.4 ms each), and
// every account read carries its corrections.
UNWIND $company_ids AS id
MATCH (c:Correction {company_id: id})
WHERE c.withdrawn_at IS NULL
RETURN c {.*, at: toString(c.at), touch_at: toString(c.touch_at)} AS correction
