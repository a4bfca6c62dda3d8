// People across every account, filtered and sorted on the server (graph/analyses/directory.py):
// buying role on any deal's committee, seniority (none counts as 'unknown'), function, best kept
// key-person rank ($max_rank), account (current or former employees), search, engagement state.
// Engagement follows graph/analyses/engagement.py: the last touch before $until (the day after
// as_of) is engaged when on or after $engaged_from, cooling when earlier, never without one; the
// last touch and the kept rank are looked up before paging only when a filter or the sort needs them,
// else for the page's people alone. $search is graph/search.py's search_needle, found in the
// person's search key (name, e-mail, title, id: search_key).
// Sorted by one allow-listed figure ($sort: name, rank or last_touch; people without it last),
// then name and id.
MATCH (p:Person)
WHERE ($account_id IS NULL OR EXISTS { (p)-[:WORKS_AT]->(:Company {id: $account_id}) })
  AND ($seniorities IS NULL OR coalesce(p.seniority, 'unknown') IN $seniorities)
  AND ($functions IS NULL OR p.function IN $functions)
  AND ($roles IS NULL OR EXISTS { MATCH (p)-[c:IN_COMMITTEE]->(:Deal) WHERE c.role IN $roles })
WITH p
WHERE $search IS NULL OR p.search_key CONTAINS $search
WITH p,
     CASE WHEN $max_rank IS NULL AND $sort <> 'rank' THEN null
          ELSE COLLECT {
            MATCH (r:PersonResult)-[:RESULT_OF]->(p) RETURN r {.rank, .score} AS kept ORDER BY kept.rank LIMIT 1
          }[0]
     END AS kept
WHERE $max_rank IS NULL OR kept.rank <= $max_rank
WITH p, kept,
     CASE WHEN $sort = 'last_touch' THEN COLLECT {
            MATCH (p)<-[:WITH]-(t:Touch) WHERE t.at < $until RETURN t.at AS at ORDER BY at DESC LIMIT 1
          }[0]
     END AS last
// Without the last touch at hand, the state is told by the first touch found in each window (an
// existence check stops there; the last touch would read all of the person's touches).
WITH p, kept, last,
     CASE
       WHEN $engagement IS NULL THEN null
       WHEN $sort = 'last_touch' THEN
         CASE WHEN last IS NULL THEN 'never' WHEN last >= $engaged_from THEN 'engaged' ELSE 'cooling' END
       WHEN EXISTS { MATCH (p)<-[:WITH]-(t:Touch) WHERE $engaged_from <= t.at < $until } THEN 'engaged'
       WHEN EXISTS { MATCH (p)<-[:WITH]-(t:Touch) WHERE t.at < $until } THEN 'cooling'
       ELSE 'never'
     END AS state
WHERE $engagement IS NULL OR state IN $engagement
WITH p, kept, last,
     CASE $sort
       WHEN 'rank' THEN kept.rank
       WHEN 'last_touch' THEN last.year * 10000 + last.month * 100 + last.day
     END AS figure
WITH p, kept, last, CASE WHEN $descending THEN -figure ELSE figure END AS key
ORDER BY key IS NULL, key, p.name, p.id
WITH collect({p: p, kept: kept, last: last}) AS matched
WITH size(matched) AS count, matched[$offset..($offset + $limit)] AS page
CALL (page) {
  UNWIND page AS row
  WITH row.p AS p, row.kept AS kept, row.last AS last
  WITH p, last, coalesce(kept, COLLECT {
    MATCH (r:PersonResult)-[:RESULT_OF]->(p) RETURN r {.rank, .score} AS best ORDER BY best.rank LIMIT 1
  }[0]) AS kept
  WITH p, kept, coalesce(last, COLLECT {
    MATCH (p)<-[:WITH]-(t:Touch) WHERE t.at < $until RETURN t.at AS latest ORDER BY latest DESC LIMIT 1
  }[0]) AS last
  RETURN collect({
    person: p {.*},
    rank: kept.rank,
    influence: kept.score,
    last_touch: toString(date(last)),
    roles: COLLECT { MATCH (p)-[c:IN_COMMITTEE]->(:Deal) RETURN DISTINCT c.role AS role ORDER BY role }
  }) AS data
}
RETURN count, data
