"""Academy: the resolvers layer of this area."""
