"""School: the schema layer of this area."""
