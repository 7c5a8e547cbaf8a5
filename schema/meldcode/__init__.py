"""Meldcode: the schema layer of this area."""
