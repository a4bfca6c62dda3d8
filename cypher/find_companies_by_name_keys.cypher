// Stored companies by normalised name, for identity resolution across ingests.
UNWIND $keys AS key
MATCH (c:Company {name_key: key})
RETURN key, min(c.id) AS id
