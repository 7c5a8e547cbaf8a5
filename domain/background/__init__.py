"""Background: the domain layer of this area."""
