// Inherited techniques: what one model uses that another organization is credited with,
// one row per crediting organization (basis and status as in flow.cypher).
// Twin of lineage.questions.flow.inherited(g, model, min_status).groups and of inherited.rq.
// @param model entity  Model id, e.g. kimi-k2
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH (m:Entity {id: $model})-[u:USES]->(t:Entity)-[i:INTRODUCED_BY]->(src:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  WHERE src.id <> dst.id AND u.status <> 'contradicted' AND i.status <> 'contradicted' AND d.status <> 'contradicted'
    AND u.rank <= $min_status AND i.rank <= $min_status
  RETURN src.id AS from_org, t.id AS technique, i.basis AS basis,
         CASE WHEN u.rank >= i.rank THEN u.status ELSE i.status END AS status
  UNION
  MATCH (m:Entity {id: $model})-[u:USES]->(t:Entity)<-[ue:USES]-(e:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  MATCH (e)-[de:DEVELOPED_BY]->(src:Entity)
  MATCH (citer:Entity)-[c:CITES]->(p:Entity)
  WHERE p.id = e.report AND (citer.id = m.id OR citer.id = m.report) AND e.id <> m.id AND src.id <> dst.id
    AND coalesce(e.released, '9999') < coalesce(m.released, '9999')
    AND u.status <> 'contradicted' AND ue.status <> 'contradicted' AND c.status <> 'contradicted'
    AND d.status <> 'contradicted' AND de.status <> 'contradicted'
  WITH src, t, u.rank AS urank, ue.rank AS erank, min(c.rank) AS crank
  WITH src, t, CASE WHEN urank > erank THEN urank ELSE erank END AS r1, crank
  WITH src, t, CASE WHEN r1 > crank THEN r1 ELSE crank END AS rank
  WHERE rank <= $min_status
  RETURN src.id AS from_org, t.id AS technique, 'cited' AS basis,
         ['verified', 'disputed', 'contradicted', 'reported', 'unverified'][rank] AS status
}
RETURN from_org, technique, basis, status
ORDER BY from_org, technique
