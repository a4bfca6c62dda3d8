// Every kept model (of one kind when $kind is given), the latest fitted first, without documents.
MATCH (m:Model)
WHERE $kind IS NULL OR m.kind = $kind
RETURN m.id AS id, m.kind AS kind, m.fitted_at AS fitted_at, m.as_of AS as_of, m.used AS used
ORDER BY m.fitted_at DESC, m.id DESC
