"""Core: the persistence layer of this area."""
