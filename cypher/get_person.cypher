MATCH (p:Person {id: $id})
RETURN p {.*} AS person
