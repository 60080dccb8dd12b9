// Adopters of a technique: each model whose USES relationship to it is not contradicted,
// its release month and the relationship's combined status.
// Twin of lineage.questions.adoption.adopters(g, technique, min_status).rows and of adopters.rq.
// @param technique entity  Technique id, e.g. mla
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity)-[u:USES]->(t:Entity {id: $technique})
WHERE u.status <> 'contradicted' AND u.rank <= $min_status
RETURN m.id AS model, m.released AS released, u.status AS status
ORDER BY model
