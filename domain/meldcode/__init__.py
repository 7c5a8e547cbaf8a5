"""Meldcode: the domain layer of this area."""
