// Fragment (cypher/__init__.py; never run alone): the sellers' active corrections of the account
// whose id is `company_id`, one row each as `correction`. Active: not withdrawn (graph.model's
// Correction.active); this is the rule's one home in Cypher, for corrections_of_accounts and
// account_graph. The one exception is corrections_list, the corrections list's filter
// (`$include_withdrawn OR c.withdrawn_at IS NULL`): it lists every account's corrections, withdrawn
// ones too when asked, under filters on person, deal and kind, so it cannot take this per-account
// subquery; tests/unit/test_cypher_fragments.py allows the rule's spelling nowhere else.
// Instants travel as ISO text: the driver turns a zoned DATETIME into Python's slowly (about 0.4 ms
// each), and every account read carries its corrections.
MATCH (fix:Correction {company_id: company_id})
WHERE fix.withdrawn_at IS NULL
RETURN fix {.*, at: toString(fix.at), touch_at: toString(fix.touch_at)} AS correction
