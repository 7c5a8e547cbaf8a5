"""Academy: the domain layer of this area."""
