// Most-derived bases: each base model with how many models name it as their base (of $relation unless "any"),
// most first.  Twin of lineage.questions.tree.most_derived(graph_edges(g, min_status), relation).
// @param relation string=any  Relation counted (quantized, finetune, adapter, merge, distill), or any
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (d:Entity)-[r:DERIVED_FROM]->(b:Entity)
WHERE r.rank <= $min_status AND r.status <> 'contradicted' AND ($relation = 'any' OR r.relation = $relation)
RETURN b.id AS base, count(DISTINCT d) AS derivatives
ORDER BY derivatives DESC, base
