// Every relationship's type, properties and the keys of its ends (id, else name, else the
// (company_id, day) of a TouchDay): the graph fingerprint that compares two loads.
MATCH (a)-[r]->(b)
RETURN type(r) AS type, properties(r) AS props,
       labels(a) AS start_labels, coalesce(a.id, a.name, a.company_id + '@' + toString(a.day)) AS start,
       labels(b) AS end_labels, coalesce(b.id, b.name, b.company_id + '@' + toString(b.day)) AS end
