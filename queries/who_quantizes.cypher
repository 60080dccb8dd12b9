// Who quantizes whom: organizations publishing quantized copies of another organization's models, with the
// copies and the distinct base models.  Twin of lineage.questions.tree.who_quantizes(graph_edges(g, min_status)).
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (d:Entity)-[r:DERIVED_FROM]->(b:Entity)
WHERE r.relation = 'quantized' AND r.rank <= $min_status AND r.status <> 'contradicted'
  AND d.organization IS NOT NULL AND b.organization IS NOT NULL AND d.organization <> b.organization
RETURN d.organization AS publisher, b.organization AS of, count(*) AS copies, count(DISTINCT b) AS bases
ORDER BY copies DESC, publisher, of
