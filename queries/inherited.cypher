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
  MATCH (m:Entity {id: $model})-[u:USES]->(t:Entity)-[ii:INTRODUCED_IN]->(p:Entity)
  MATCH (t)-[i:INTRODUCED_BY]->(src:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  MATCH (citer:Entity)-[c:CITES]->(p)
  WHERE (citer.id = m.id OR citer.id = m.report) AND src.id <> dst.id AND i.basis = 'introduced'
    AND u.status <> 'contradicted' AND ii.status <> 'contradicted' AND i.status <> 'contradicted'
    AND c.status <> 'contradicted' AND d.status <> 'contradicted'
  WITH src, t, p, u.rank AS urank, ii.rank AS nrank, i.rank AS orank, min(c.rank) AS crank
  WITH src, t, p, CASE WHEN urank > crank THEN urank ELSE crank END AS r1, nrank, orank
  WITH src, t, p, CASE WHEN r1 > nrank THEN r1 ELSE nrank END AS r2, orank
  WITH src, t, CASE WHEN r2 > orank THEN r2 ELSE orank END AS rank
  WHERE rank <= $min_status
  RETURN src.id AS from_org, t.id AS technique, 'cited' AS basis,
         ['verified', 'disputed', 'contradicted', 'reported', 'unverified'][rank] AS status
}
RETURN from_org, technique, basis, status
ORDER BY from_org, technique
