"""Core: the schema layer of this area."""
