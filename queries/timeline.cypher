// Timeline of a technique: its introduction by each organization the catalog or a primary
// source credits (dated by first appearance), then each adoption with the release month.
// Twin of lineage.questions.adoption.timeline(g, technique, min_status).events and of timeline.rq.
// @param technique entity  Technique id, e.g. mla
// @param min_status status=unverified  Weakest status kept (passed as its rank)
MATCH (t:Entity {id: $technique})-[i:INTRODUCED_BY]->(o:Entity)
WHERE i.basis = 'introduced' AND i.status <> 'contradicted' AND i.rank <= $min_status
RETURN t.first_appeared AS date, 'introduced' AS event, o.id AS who, i.status AS status
UNION ALL
MATCH (m:Entity)-[u:USES]->(t:Entity {id: $technique})
WHERE u.status <> 'contradicted' AND u.rank <= $min_status
RETURN m.released AS date, 'adopted' AS event, m.id AS who, u.status AS status
