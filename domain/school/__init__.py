"""School: the domain layer of this area."""
