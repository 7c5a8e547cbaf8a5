"""Query functions: each takes the session first and returns rows or plain values."""
