"""Thin resolvers: GraphQL arguments in, domain calls and per-request dataloaders out."""
