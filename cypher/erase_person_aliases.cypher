// An erased person's other source ids (aliases merged into them) go with them.
MATCH (a:Alias {kind: 'people', into: $id})
DELETE a
