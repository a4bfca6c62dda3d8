// Replace the daily touch aggregates of (account, day) groups: one TouchDay node per group, its rows
// as parallel lists (see graph/model.py TouchDay: actors, persons ('' for none), pairs, kinds,
// directions ('' for none), counts, seconds, untimed) and the reps its rows name. Groups in $empty
// have no touch any more and lose their node.
UNWIND $groups AS g
MERGE (n:TouchDay {company_id: g.company_id, day: date(g.day)})
SET n += g.props
WITH count(*) AS written
UNWIND $empty AS e
MATCH (n:TouchDay {company_id: e.company_id, day: date(e.day)})
DELETE n
RETURN written
