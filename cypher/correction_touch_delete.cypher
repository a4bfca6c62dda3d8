// Remove a touch that a correction logged (when the correction is withdrawn).
MATCH (t:Touch {id: $id})
DETACH DELETE t
