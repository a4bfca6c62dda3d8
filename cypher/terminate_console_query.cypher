// Stops the console query tagged with $token once its client-side deadline has passed (the
// server's own timeout is only checked at certain points of a query).
SHOW TRANSACTIONS YIELD transactionId AS id, metaData
WHERE metaData.buyergraph_console = $token
TERMINATE TRANSACTIONS id
YIELD transactionId
RETURN transactionId
