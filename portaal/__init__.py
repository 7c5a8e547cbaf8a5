"""Composition root: settings, the ASGI app, security helpers and the command line."""
