// Idea flow: every model using a technique another organization is credited with
// (INTRODUCED_BY; basis 'introduced' from the catalog or a primary source, 'claimed' when only
// secondary sources say so; 'cited' when the model, or its report, CITES the paper the technique
// was INTRODUCED_IN, crediting the technique's introducing organization), with the credited and
// adopting organizations.  A row's status is the weakest of the claims behind it.
// Twin of lineage.questions.flow.flow(g, min_status) (its items with an organization) and of flow.rq.
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH (m:Entity)-[u:USES]->(t:Entity)-[i:INTRODUCED_BY]->(src:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  WHERE src.id <> dst.id AND u.status <> 'contradicted' AND i.status <> 'contradicted' AND d.status <> 'contradicted'
    AND u.rank <= $min_status AND i.rank <= $min_status
  RETURN src.id AS from_org, dst.id AS to_org, t.id AS technique, m.id AS model, i.basis AS basis,
         CASE WHEN u.rank >= i.rank THEN u.status ELSE i.status END AS status
  UNION
  MATCH (m:Entity)-[u:USES]->(t:Entity)-[ii:INTRODUCED_IN]->(p:Entity)
  MATCH (t)-[i:INTRODUCED_BY]->(src:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  MATCH (citer:Entity)-[c:CITES]->(p)
  WHERE (citer.id = m.id OR citer.id = m.report) AND src.id <> dst.id AND i.basis = 'introduced'
    AND u.status <> 'contradicted' AND ii.status <> 'contradicted' AND i.status <> 'contradicted'
    AND c.status <> 'contradicted' AND d.status <> 'contradicted'
  WITH src, dst, t, m, p, u.rank AS urank, ii.rank AS nrank, i.rank AS orank, min(c.rank) AS crank
  WITH src, dst, t, m, p, CASE WHEN urank > crank THEN urank ELSE crank END AS r1, nrank, orank
  WITH src, dst, t, m, p, CASE WHEN r1 > nrank THEN r1 ELSE nrank END AS r2, orank
  WITH src, dst, t, m, CASE WHEN r2 > orank THEN r2 ELSE orank END AS rank
  WHERE rank <= $min_status
  RETURN src.id AS from_org, dst.id AS to_org, t.id AS technique, m.id AS model, 'cited' AS basis,
         ['verified', 'disputed', 'contradicted', 'reported', 'unverified'][rank] AS status
}
RETURN from_org, to_org, technique, model, basis, status
ORDER BY from_org, to_org, technique, model, basis, status
