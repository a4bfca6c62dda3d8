// Write each {label} node's search key (graph/search.py's search_key of its searchable fields);
// {label} comes from the allow-list of graph/stores/neo4j.py.
UNWIND $rows AS row
MATCH (n:{label} {id: row.id})
SET n.search_key = row.key
