"""HTTP endpoints besides GraphQL, one module per area; portaal/app.py lists them."""
