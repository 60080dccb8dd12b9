// Idea flow: every model using a technique another organization is credited with
// (INTRODUCED_BY; basis 'introduced' from the catalog or a primary source, 'claimed' when only
// secondary sources say so), with the credited and adopting organizations.  A row's status is
// the weaker of the use and the attribution.
// Twin of lineage.lineage_queries.flow(g, min_status) (basis introduced/claimed) and of flow.rq.
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (m:Entity)-[u:USES]->(t:Entity)-[i:INTRODUCED_BY]->(src:Entity)
MATCH (m)-[d:DEVELOPED_BY]->(dst:Entity)
WHERE src.id <> dst.id AND u.status <> 'contradicted' AND i.status <> 'contradicted' AND d.status <> 'contradicted'
  AND u.rank <= $min_status AND i.rank <= $min_status
RETURN src.id AS from_org, dst.id AS to_org, t.id AS technique, m.id AS model, i.basis AS basis,
       CASE WHEN u.rank >= i.rank THEN u.status ELSE i.status END AS status
ORDER BY from_org, to_org, technique, model
