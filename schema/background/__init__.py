"""Background: the schema layer of this area."""
