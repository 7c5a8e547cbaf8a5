"""Background: the persistence layer of this area."""
