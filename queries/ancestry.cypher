// Ancestry: the ideas a technique builds on, every generation back, as relation edges with their
// status (curated catalog variantOf links show as "reported"), and the technique's own
// contrastsWith links.  A step follows extends/variantOf/simplifies/combines/replaces from the
// newer idea, or componentOf into it, and only with a status at least min_status.
// Twin of the links of lineage.questions.ideas.ancestry(g, technique, min_status) and of ancestry.rq.
// @param technique entity  Technique id, e.g. kda
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH p = (:Entity {id: $technique})-[:EXTENDS|VARIANT_OF|SIMPLIFIES|COMBINES|REPLACES|COMPONENT_OF*0..]-(n:Entity)
  WHERE all(i IN range(0, length(p) - 1) WHERE relationships(p)[i].rank <= $min_status
        AND (split(relationships(p)[i].key, '|')[0] = nodes(p)[i].id) = (type(relationships(p)[i]) <> 'COMPONENT_OF'))
  WITH DISTINCT n
  MATCH (n)-[r:EXTENDS|VARIANT_OF|SIMPLIFIES|COMBINES|REPLACES|COMPONENT_OF]-(:Entity)
  WHERE r.rank <= $min_status AND (split(r.key, '|')[0] = n.id) = (type(r) <> 'COMPONENT_OF')
  RETURN r
  UNION
  MATCH (:Entity {id: $technique})-[r:CONTRASTS_WITH]-(:Entity)
  WHERE r.rank <= $min_status
  RETURN r
}
WITH DISTINCT r
RETURN split(r.key, '|')[0] AS subject, split(r.key, '|')[1] AS relation, split(r.key, '|')[2] AS object,
       CASE r.status WHEN 'curated' THEN 'reported' ELSE r.status END AS status
ORDER BY subject, relation, object
