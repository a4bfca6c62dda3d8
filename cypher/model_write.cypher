// Keep one fitted model (`buyergraph learn`) as an ordinary :Model node; the model itself is a JSON
// document in `document`, its version, kind, dates and use as properties a user can query.
MERGE (m:Model {id: $id})
SET m.kind = $kind,
    m.fitted_at = $fitted_at,
    m.as_of = $as_of,
    m.used = $used,
    m.document = $document
