"""Institute: the resolvers layer of this area."""
