"""Mutations, one module per business area."""
