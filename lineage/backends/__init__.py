"""Other databases the graph can be pushed to and queried in (Neo4j over Bolt)."""
