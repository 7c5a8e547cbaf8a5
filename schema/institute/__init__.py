"""Institute: the schema layer of this area."""
