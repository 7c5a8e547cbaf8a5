"""Meldcode: the resolvers layer of this area."""
