// Ruled out by a primary source: every model whose USES relationship to a technique is
// contradicted (a primary source says it does not use it).  Not users; who_uses.cypher leaves
// them out.
// Twin of lineage.questions.who_uses.who_uses(store, catalog, technique).ruled_out and of ruled_out.rq.
// @param technique entity  Technique id, e.g. mtp
MATCH (m:Entity)-[u:USES]->(t:Entity {id: $technique})
WHERE u.status = 'contradicted'
RETURN m.id AS model, u.status AS status
ORDER BY model
