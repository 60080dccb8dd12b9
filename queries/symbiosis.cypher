// Symbiosis: pairs of organizations a < b where each uses a technique the other is credited
// with, and how many distinct techniques flow each way (as in flow.cypher).
// Twin of lineage.questions.flow.symbiosis(g, min_status).pairs and of symbiosis.rq.
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
WITH from_org, to_org, count(DISTINCT technique) AS n
WITH collect({from_org: from_org, to_org: to_org, n: n}) AS cells
UNWIND cells AS x
UNWIND cells AS y
WITH x, y WHERE x.from_org = y.to_org AND x.to_org = y.from_org AND x.from_org < x.to_org
RETURN x.from_org AS a, x.to_org AS b, x.n AS a_to_b, y.n AS b_to_a
ORDER BY a, b
