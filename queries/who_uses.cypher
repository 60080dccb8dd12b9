// Who uses a technique: every model with a USES relationship to it (contradicted ones too)
// and the relationship's combined status.
// Twin of lineage.questions.who_uses.who_uses(store, catalog, technique).rows and of who_uses.rq.
// @param technique entity  Technique id, e.g. mla
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity)-[u:USES]->(t:Entity {id: $technique})
WHERE u.rank <= $min_status
RETURN m.id AS model, u.status AS status
ORDER BY model
