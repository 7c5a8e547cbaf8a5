"""Academy: the schema layer of this area."""
