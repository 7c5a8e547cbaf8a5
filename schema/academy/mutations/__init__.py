"""Academy mutations, one module per topic."""
