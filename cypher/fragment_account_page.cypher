// Fragment (cypher/__init__.py; never run alone): the end of an account list's page query, after its
// `SKIP $offset LIMIT $limit` over rows of `c` (the Company) and `r` (its AccountResult, or null), for
// list_account_results and list_account_results_by_name: the page and every account's number.
// Every account, from the count store, after the page (before it, the walk in order became a sort).
// The page leaves as one record (a record per row costs the driver more than the row) of rows in
// order: [company, summary_json, result, computed_s, computed_ns, stale]. The figures are the one JSON
// text the write kept (`summary_json`, read whole: one property, not forty) while it was kept in this
// version's shape (`summary_format` = $summary_format); a result kept before that text existed, or in
// another shape (an upgrade changed the figures' model), leaves as its properties, datetimes as numbers
// (the driver decodes a datetime slowly).
// `stale` is decided here. `total` is every account (the count store: no pass), the list's count when
// nothing is filtered (null on an empty page).
CALL () { MATCH (every:Company) RETURN count(every) AS total }
RETURN collect([
         c {.*, changed_at: null},
         CASE WHEN r.summary_format = $summary_format THEN r.summary_json END,
         CASE WHEN r.summary_format = $summary_format THEN null
           ELSE r {.*, computed_at: null, summary_json: null} END,
         CASE WHEN r.summary_format = $summary_format THEN null ELSE r.computed_at.epochSeconds END,
         CASE WHEN r.summary_format = $summary_format THEN null ELSE r.computed_at.nanosecond END,
         coalesce(c.changed_at > r.computed_at, false)
       ]) AS rows, max(total) AS total
