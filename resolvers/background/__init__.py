"""Background: the resolvers layer of this area."""
