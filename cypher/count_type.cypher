// {type} is filled in from the allow-list in graph.model.RELATIONSHIP_TYPES, never from input.
MATCH ()-[r:{type}]->() RETURN count(r) AS n
