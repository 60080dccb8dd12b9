// Inherited techniques: what one model uses that another organization is credited with,
// one row per crediting organization (basis and status as in flow.cypher).
// Twin of lineage.lineage_queries.inherited(g, model, min_status).groups and of inherited.rq.
// @param model entity  Model id, e.g. kimi-k2
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity {id: $model})-[u:USES]->(t:Entity)-[i:INTRODUCED_BY]->(src:Entity)
MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
WHERE src.id <> dst.id AND u.status <> 'contradicted' AND i.status <> 'contradicted' AND d.status <> 'contradicted'
  AND u.rank <= $min_status AND i.rank <= $min_status
RETURN src.id AS from_org, t.id AS technique, i.basis AS basis,
       CASE WHEN u.rank >= i.rank THEN u.status ELSE i.status END AS status
ORDER BY from_org, technique
