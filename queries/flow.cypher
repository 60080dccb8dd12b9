// Idea flow: every model using a technique another organization is credited with
// (INTRODUCED_BY; basis 'introduced' from the catalog or a primary source, 'claimed' when only
// secondary sources say so; 'cited' when the model, or its report, CITES the report of another
// organization's model that used the technique earlier), with the credited and adopting
// organizations.  A row's status is the weakest of the claims behind it.
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
  MATCH (m:Entity)-[u:USES]->(t:Entity)<-[ue:USES]-(e:Entity)
  MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
  MATCH (e)-[de:DEVELOPED_BY]->(src:Entity)
  MATCH (citer:Entity)-[c:CITES]->(p:Entity)
  WHERE p.id = e.report AND (citer.id = m.id OR citer.id = m.report) AND e.id <> m.id AND src.id <> dst.id
    AND coalesce(e.released, '9999') < coalesce(m.released, '9999')
    AND u.status <> 'contradicted' AND ue.status <> 'contradicted' AND c.status <> 'contradicted'
    AND d.status <> 'contradicted' AND de.status <> 'contradicted'
  WITH src, dst, t, m, u.rank AS urank, ue.rank AS erank, min(c.rank) AS crank
  WITH src, dst, t, m, CASE WHEN urank > erank THEN urank ELSE erank END AS r1, crank
  WITH src, dst, t, m, CASE WHEN r1 > crank THEN r1 ELSE crank END AS rank
  WHERE rank <= $min_status
  RETURN src.id AS from_org, dst.id AS to_org, t.id AS technique, m.id AS model, 'cited' AS basis,
         ['verified', 'disputed', 'contradicted', 'reported', 'unverified'][rank] AS status
}
RETURN from_org, to_org, technique, model, basis, status
ORDER BY from_org, to_org, technique, model
