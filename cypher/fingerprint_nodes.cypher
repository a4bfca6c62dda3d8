// Every node's labels and properties: the graph fingerprint that compares two loads (tests, bench).
MATCH (n)
RETURN labels(n) AS labels, properties(n) AS props
