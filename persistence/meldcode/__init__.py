"""Meldcode: the persistence layer of this area."""
