// Family changes: what a newer model kept, added and dropped relative to an older one, from the
// uses edges of both (not contradicted, status at least min_status; a kept technique shows the
// weaker of its two statuses), and for an added technique the dropped ones it replaces (replaces
// edges with status at least min_status), one row per replaced technique.
// Twin of lineage.questions.ideas.family_changes(g, older, newer, min_status) and of family_changes.rq.
// @param older entity  Model id of the older model, e.g. deepseek-v3.2
// @param newer entity  Model id of the newer model, e.g. deepseek-v4-flash
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH (:Entity {id: $older})-[ua:USES]->(t:Entity)<-[ub:USES]-(:Entity {id: $newer})
  WHERE ua.status <> 'contradicted' AND ua.rank <= $min_status AND ub.status <> 'contradicted' AND ub.rank <= $min_status
  RETURN t.id AS technique, 'kept' AS change, CASE WHEN ua.rank > ub.rank THEN ua.status ELSE ub.status END AS status,
         '' AS replaced
  UNION
  MATCH (:Entity {id: $newer})-[ub:USES]->(t:Entity)
  WHERE ub.status <> 'contradicted' AND ub.rank <= $min_status
  OPTIONAL MATCH (t)<-[ua:USES]-(:Entity {id: $older})
  WHERE ua.status <> 'contradicted' AND ua.rank <= $min_status
  WITH t, ub, count(ua) AS before WHERE before = 0
  OPTIONAL MATCH (t)-[r:REPLACES]->(x:Entity)<-[ux:USES]-(:Entity {id: $older})
  WHERE r.rank <= $min_status AND ux.status <> 'contradicted' AND ux.rank <= $min_status
  OPTIONAL MATCH (x)<-[uy:USES]-(:Entity {id: $newer})
  WHERE uy.status <> 'contradicted' AND uy.rank <= $min_status
  WITH t, ub, x, count(uy) AS still
  WITH t, ub, collect(CASE WHEN x IS NOT NULL AND still = 0 THEN x.id END) AS xs
  UNWIND CASE WHEN size(xs) = 0 THEN [''] ELSE xs END AS replaced
  RETURN t.id AS technique, 'added' AS change, ub.status AS status, replaced
  UNION
  MATCH (:Entity {id: $older})-[ua:USES]->(t:Entity)
  WHERE ua.status <> 'contradicted' AND ua.rank <= $min_status
  OPTIONAL MATCH (t)<-[ub:USES]-(:Entity {id: $newer})
  WHERE ub.status <> 'contradicted' AND ub.rank <= $min_status
  WITH t, ua, count(ub) AS after WHERE after = 0
  RETURN t.id AS technique, 'dropped' AS change, ua.status AS status, '' AS replaced
}
WITH DISTINCT technique, change, status, replaced
RETURN technique, change, status, CASE replaced WHEN '' THEN null ELSE replaced END AS replaced
ORDER BY change, technique, replaced
