"""School: the resolvers layer of this area."""
