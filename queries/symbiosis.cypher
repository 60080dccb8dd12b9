// Symbiosis: pairs of organizations a < b where each uses a technique the other is credited
// with, and how many distinct techniques flow each way (as in flow.cypher).
// Twin of lineage.lineage_queries.symbiosis(g, min_status).pairs and of symbiosis.rq.
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m1:Entity)-[u1:USES]->(t1:Entity)-[i1:INTRODUCED_BY]->(a:Entity)
MATCH (m1)-[d1:DEVELOPED_BY]->(b:Entity)
WHERE a.id < b.id AND u1.status <> 'contradicted' AND i1.status <> 'contradicted' AND d1.status <> 'contradicted'
  AND u1.rank <= $min_status AND i1.rank <= $min_status
WITH a, b, count(DISTINCT t1.id) AS a_to_b
MATCH (m2:Entity)-[u2:USES]->(t2:Entity)-[i2:INTRODUCED_BY]->(b)
MATCH (m2)-[d2:DEVELOPED_BY]->(a)
WHERE u2.status <> 'contradicted' AND i2.status <> 'contradicted' AND d2.status <> 'contradicted'
  AND u2.rank <= $min_status AND i2.rank <= $min_status
RETURN a.id AS a, b.id AS b, a_to_b, count(DISTINCT t2.id) AS b_to_a
ORDER BY a, b
