"""GraphQL object types, one module per business area."""
