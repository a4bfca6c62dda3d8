// {label} is filled in from the allow-list in graph.model.NODE_LABELS, never from input.
MATCH (n:{label}) RETURN count(n) AS n
