"""Institute: the domain layer of this area."""
