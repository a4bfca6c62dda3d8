// The active corrections of these accounts (`active_corrections`): the rule is the fragment's, which
// account_graph reads with each account too (its `corrections` column).
UNWIND $company_ids AS company_id
//:include fragment_active_corrections
