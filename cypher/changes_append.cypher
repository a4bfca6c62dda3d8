// Append changes to the book's change log. The one ChangeLog node counts them: its write lock orders
// concurrent appends, so each change gets the next cursor and no cursor is given twice.
MERGE (log:ChangeLog {id: 'changes'})
SET log.last = coalesce(log.last, 0) + size($rows)
WITH log.last - size($rows) AS base
UNWIND range(0, size($rows) - 1) AS i
CREATE (c:Change)
SET c = $rows[i], c.cursor = base + i + 1
RETURN c.cursor AS cursor
ORDER BY cursor
