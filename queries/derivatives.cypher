// Derivatives: the model tree below a base (quantized, fine-tuned, adapted, merged, distilled copies, and copies
// of copies), as its DERIVED_FROM edges: each derivative with the model it derives from, the relation and status.
// Every step is of $relation unless it is "any", at least min_status and not contradicted.
// Twin of lineage.questions.tree.descendants(graph_edges(g, min_status), model, relation): the edges among its models.
// @param model entity  Base model id, e.g. deepseek-v3
// @param relation string=any  Relation of every step (quantized, finetune, adapter, merge, distill), or any
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH p = (:Entity)-[:DERIVED_FROM*1..]->(:Entity {id: $model})
WHERE all(r IN relationships(p) WHERE r.rank <= $min_status AND r.status <> 'contradicted'
          AND ($relation = 'any' OR r.relation = $relation))
WITH collect(DISTINCT nodes(p)[0].id) + [$model] AS tree
MATCH (d:Entity)-[r:DERIVED_FROM]->(b:Entity)
WHERE d.id IN tree AND b.id IN tree AND d.id <> $model AND r.rank <= $min_status AND r.status <> 'contradicted'
  AND ($relation = 'any' OR r.relation = $relation)
RETURN d.id AS model, b.id AS base, r.relation AS relation, r.status AS status
ORDER BY base, model
