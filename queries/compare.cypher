// Compare two models' techniques: one row per (model, technique) either model uses, with status.
// Twin of lineage.questions.compare.compare(g, a, b, min_status).techniques and of compare.rq.
// @param a entity  First model id, e.g. deepseek-v3
// @param b entity  Second model id, e.g. kimi-k2
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity)-[u:USES]->(t:Entity)
WHERE m.id IN [$a, $b] AND u.status <> 'contradicted' AND u.rank <= $min_status
RETURN m.id AS model, t.id AS technique, u.status AS status
ORDER BY technique, model
