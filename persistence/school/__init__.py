"""School: the persistence layer of this area."""
