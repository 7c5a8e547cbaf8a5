"""Institute: the persistence layer of this area."""
