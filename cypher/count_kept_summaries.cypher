// How many accounts have a kept result, and how many of those results hold their figures as the JSON
// text in this version's shape (`summary_format` = $summary_format): bench/bench_api.py reuses a store
// only when every one does, so that its account list is measured on the path a fresh refresh gives.
MATCH (r:AccountResult)
RETURN count(r) AS results,
       count(CASE WHEN r.summary_format = $summary_format THEN r.summary_json END) AS summaries
