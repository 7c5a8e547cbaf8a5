"""Declarative GraphQL schema: types, permission directives and the schema object."""
