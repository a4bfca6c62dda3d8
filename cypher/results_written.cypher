// Which of these accounts now have a kept result (those whose company exists).
UNWIND $ids AS id
MATCH (:AccountResult {account_id: id})
RETURN collect(id) AS ids
