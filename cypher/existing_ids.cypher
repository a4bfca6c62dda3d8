// Which of the given ids name a stored node; {label} is filled from the model's allow-list only.
UNWIND $ids AS id
MATCH (n:{label} {id: id})
RETURN collect(n.id) AS ids
