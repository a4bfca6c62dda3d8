// Lock the TouchDay nodes of (account, day) groups (created if missing) before their touches are read
// again: two writers of touches of one group then recompute it one after the other, the second
// seeing the first's touches, so that neither overwrites the other's count.
UNWIND $groups AS g
MERGE (n:TouchDay {company_id: g.company_id, day: date(g.day)})
SET n.written_at = localdatetime()
