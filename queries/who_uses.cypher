// Who uses a technique: every model with a USES relationship to it and the relationship's
// combined status; a model a primary source rules out (contradicted) is not a user:
// ruled_out.cypher lists those apart.
// Twin of lineage.questions.who_uses.who_uses(store, catalog, technique).rows and of who_uses.rq.
// @param technique entity  Technique id, e.g. mla
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity)-[u:USES]->(t:Entity {id: $technique})
WHERE u.status <> 'contradicted' AND u.rank <= $min_status
RETURN m.id AS model, u.status AS status
ORDER BY model
