// The key people answer refresh rendered for the account $company_id (KeptKeyPeopleJson), in one
// light read: the first $limit people's JSON (all with $limit null) and the notes' JSON, the day and
// time it was computed, and when the account's data last changed (for `stale`); not the kept detail.
// Both JSON values are null in a result kept before answers were rendered; `format` is the render-format
// token they were rendered with ("" when kept without one, null without them). No row without a result.
MATCH (r:AccountResult {account_id: $company_id})
MATCH (x:ResultDetail {account_id: $company_id})
OPTIONAL MATCH (c:Company {id: $company_id})
RETURN r.account_id AS account_id, r.as_of AS as_of, r.computed_at AS computed_at,
       c.changed_at AS changed_at,
       CASE WHEN $limit IS NULL THEN x.key_people_json ELSE x.key_people_json[..$limit] END AS items,
       x.key_people_notes_json AS notes,
       CASE WHEN x.key_people_json IS NULL THEN null ELSE coalesce(x.answers_format, '') END AS format
LIMIT 1
