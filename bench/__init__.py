"""Benchmarks of Portaal against floors on the same data (`make bench`, `make bench-smoke`).

Only `portaal.app`, `portaal.settings` and `persistence.migrate` are imported from the app:
everything else here works on table names and the GraphQL API, so it survives refactorings.
"""
