// Descendants: the ideas built on a technique, every generation forward, as relation edges with
// their status (curated catalog variantOf links show as "reported"), the technique's own
// contrastsWith links, and the models using each idea in the tree (relation "usedBy").  A step
// follows extends/variantOf/simplifies/combines/replaces into the older idea, or componentOf
// from it, and only with a status at least min_status.
// Twin of lineage.questions.ideas.descendants(g, technique, min_status): its links and models; and of descendants.rq.
// @param technique entity  Technique id, e.g. muon
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH p = (:Entity {id: $technique})-[:EXTENDS|VARIANT_OF|SIMPLIFIES|COMBINES|REPLACES|COMPONENT_OF*0..]-(n:Entity)
  WHERE all(i IN range(0, length(p) - 1) WHERE relationships(p)[i].rank <= $min_status
        AND (split(relationships(p)[i].key, '|')[0] = nodes(p)[i].id) = (type(relationships(p)[i]) = 'COMPONENT_OF'))
  WITH DISTINCT n
  MATCH (n)-[r:EXTENDS|VARIANT_OF|SIMPLIFIES|COMBINES|REPLACES|COMPONENT_OF]-(:Entity)
  WHERE r.rank <= $min_status AND (split(r.key, '|')[0] = n.id) = (type(r) = 'COMPONENT_OF')
  RETURN r
  UNION
  MATCH p = (:Entity {id: $technique})-[:EXTENDS|VARIANT_OF|SIMPLIFIES|COMBINES|REPLACES|COMPONENT_OF*0..]-(n:Entity)
  WHERE all(i IN range(0, length(p) - 1) WHERE relationships(p)[i].rank <= $min_status
        AND (split(relationships(p)[i].key, '|')[0] = nodes(p)[i].id) = (type(relationships(p)[i]) = 'COMPONENT_OF'))
  WITH DISTINCT n
  MATCH (:Entity)-[r:USES]->(n)
  WHERE r.rank <= $min_status
  RETURN r
  UNION
  MATCH (:Entity {id: $technique})-[r:CONTRASTS_WITH]-(:Entity)
  WHERE r.rank <= $min_status
  RETURN r
}
WITH DISTINCT r
WITH r, split(r.key, '|') AS k
RETURN CASE k[1] WHEN 'uses' THEN k[2] ELSE k[0] END AS subject, CASE k[1] WHEN 'uses' THEN 'usedBy' ELSE k[1] END AS relation,
       CASE k[1] WHEN 'uses' THEN k[0] ELSE k[2] END AS object,
       CASE r.status WHEN 'curated' THEN 'reported' ELSE r.status END AS status
ORDER BY subject, relation, object
