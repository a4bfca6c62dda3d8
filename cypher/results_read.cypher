// The kept results of these accounts, with the time their data last changed (for `stale`).
UNWIND $ids AS id
MATCH (r:AccountResult {account_id: id})
OPTIONAL MATCH (c:Company {id: id})
RETURN r {.*} AS account,
       c.changed_at AS changed_at,
       COLLECT { MATCH (d:DealResult {account_id: id}) RETURN d {.*} } AS deals,
       COLLECT { MATCH (g:Gap {account_id: id}) RETURN g {.*} } AS gaps,
       COLLECT { MATCH (p:PersonResult {account_id: id}) RETURN p {.*} } AS people,
       COLLECT { MATCH (x:ResultDetail {account_id: id}) RETURN x.body } AS detail,
       COLLECT {
         MATCH (x:ResultDetail {account_id: id}) WHERE x.key_people_json IS NOT NULL
         RETURN [x.key_people_json, x.key_people_notes_json, x.answers_format]
       } AS answers
