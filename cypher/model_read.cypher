// One kept model of a kind: the one with $id, or the latest fitted when $id is null.
MATCH (m:Model {kind: $kind})
WHERE $id IS NULL OR m.id = $id
RETURN m.id AS id, m.kind AS kind, m.fitted_at AS fitted_at, m.as_of AS as_of, m.used AS used,
       m.document AS document
ORDER BY m.fitted_at DESC, m.id DESC
LIMIT 1
