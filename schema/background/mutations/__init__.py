"""Mutations of this area, one module per topic."""
