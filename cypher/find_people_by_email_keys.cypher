// Stored people by normalised e-mail key, for identity resolution across ingests.
UNWIND $keys AS key
MATCH (p:Person {email_key: key})
RETURN key, min(p.id) AS id
