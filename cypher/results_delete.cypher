// The kept results of these accounts, removed before new ones are written (in the same transaction).
UNWIND $ids AS id MATCH (r:AccountResult {account_id: id}) DETACH DELETE r;
UNWIND $ids AS id MATCH (r:DealResult {account_id: id}) DETACH DELETE r;
UNWIND $ids AS id MATCH (r:Gap {account_id: id}) DETACH DELETE r;
UNWIND $ids AS id MATCH (r:PersonResult {account_id: id}) DETACH DELETE r;
UNWIND $ids AS id MATCH (r:ResultDetail {account_id: id}) DETACH DELETE r
