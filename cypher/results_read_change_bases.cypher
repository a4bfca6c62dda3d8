// What a refresh compares of the results it replaces (graph.analyses.changes.ChangeBasis): the
// account's engagement figures, its open deals' results with their gaps, and the roster and
// committees kept beside the detail as `basis_json` (the roster whole, but not the rest of the
// detail; results kept before it: the whole `body`).
// Reads neither the key people nor the rendered answers.
UNWIND $ids AS id
MATCH (r:AccountResult {account_id: id})
OPTIONAL MATCH (x:ResultDetail {account_id: id})
RETURN r.account_id AS account_id,
       r.engagement_score AS engagement_score,
       r.engagement_trend AS engagement_trend,
       COLLECT { MATCH (d:DealResult {account_id: id}) RETURN d {.*, gaps_json: null} } AS deals,
       COLLECT { MATCH (g:Gap {account_id: id}) RETURN g {.*} } AS gaps,
       x.basis_json AS basis,
       CASE WHEN x.basis_json IS NULL THEN x.body END AS body
