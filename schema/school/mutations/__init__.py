"""School mutations, one module per topic."""
