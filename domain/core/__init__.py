"""Core: the domain layer of this area."""
