"""Core: the resolvers layer of this area."""
