// Models tied to a device: TRAINED_ON, SERVED_ON, SUPPORTS_HARDWARE or OPTIMIZED_FOR relationships
// to the device or to a device of its product line (BROADER), with each relationship's combined status.
// Twin of lineage.questions.hardware.hardware(g, device, min_status).rows and of hardware.rq.
// @param device entity  Hardware id, e.g. nvidia-h800 or huawei-ascend
// @param min_status status=unverified  Weakest status kept (passed as its rank)
CALL {
  MATCH (m:Entity)-[r]->(on:Entity {id: $device})
  RETURN m, r, on
  UNION
  MATCH (m:Entity)-[r]->(on:Entity)-[:BROADER*1..4]->(:Entity {id: $device})
  RETURN m, r, on
}
WITH m, r, on
WHERE type(r) IN ['TRAINED_ON', 'SERVED_ON', 'SUPPORTS_HARDWARE', 'OPTIMIZED_FOR'] AND r.rank <= $min_status
RETURN m.id AS model,
       CASE type(r) WHEN 'TRAINED_ON' THEN 'trainedOn' WHEN 'SERVED_ON' THEN 'servedOn'
                    WHEN 'SUPPORTS_HARDWARE' THEN 'supportsHardware' ELSE 'optimizedFor' END AS predicate,
       on.id AS on, r.status AS status
ORDER BY model, predicate, on
