// The searchable fields of the {label} nodes with the given $ids, just written, for their search keys;
// {label} is filled in from the allow-list of graph/stores/neo4j.py (Company, Person, Rep, Deal), never from
// input. The key itself is computed in Python (graph/search.py's search_key: pinyin needs Python).
UNWIND $ids AS id
MATCH (n:{label} {id: id})
RETURN n.id AS id, [n.name, n.domain, n.email, n.title, n.id] AS fields
