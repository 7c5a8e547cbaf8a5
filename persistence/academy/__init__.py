"""Academy: the persistence layer of this area."""
