// Run just before erase_person, in its transaction: the person's account, when ingest created it
// for their e-mail domain alone (id `domain-<domain>`, named after the domain, see ingest/resolve.py)
// and nothing but this person refers to it, goes with them. All its relationships (the person's
// WORKS_AT included, which erase_person then no longer finds) are counted here.
MATCH (p:Person {id: $id})
MATCH (c:Company {id: p.company_id})
WHERE c.domain IS NOT NULL
  AND c.id = $prefix + c.domain
  AND c.name = c.domain
  AND toLower(coalesce(p.email, '')) ENDS WITH '@' + toLower(c.domain)
  AND c.parent_id IS NULL
  AND NOT EXISTS { (other:Person)-[:WORKS_AT]->(c) WHERE other <> p }
  AND NOT EXISTS { MATCH (other:Person {company_id: c.id}) WHERE other <> p }
  AND NOT EXISTS { (:Deal)-[:FOR]->(c) }
  AND NOT EXISTS { (c)-[:OWNS]->() }
  AND NOT EXISTS { (c)-[:SUBSIDIARY_OF]-() }
  AND NOT EXISTS { MATCH (child:Company {parent_id: c.id}) }
WITH c, COUNT { (c)-[]-() } AS relationships
DETACH DELETE c
RETURN count(c) AS companies, sum(relationships) AS relationships
