"""Tables, sessions, migrations and the queries dataloaders call. The only place with SQL."""
