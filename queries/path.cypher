// How a technique reached a model through base-model derivation: ancestors of the model
// (DERIVED_FROM, up to 10 steps) that use the technique, the model using it too.
// Twin of the 'derived into' routes of lineage.questions.paths.path(g, technique, model) and of path.rq.
// @param technique entity  Technique id, e.g. mla
// @param model entity  Model id, e.g. kimi-k2.5
MATCH (m:Entity {id: $model})-[:DERIVED_FROM*1..10]->(anc:Entity)-[ua:USES]->(t:Entity {id: $technique})
MATCH (m)-[um:USES]->(t)
WHERE ua.status <> 'contradicted' AND um.status <> 'contradicted'
RETURN DISTINCT anc.id AS ancestor
ORDER BY ancestor
