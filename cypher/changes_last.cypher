// The cursor of the newest logged change (0 when the log is empty).
OPTIONAL MATCH (log:ChangeLog {id: 'changes'})
RETURN coalesce(log.last, 0) AS last
