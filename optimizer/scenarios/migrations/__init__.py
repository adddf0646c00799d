"""Alembic migrations of the scenario database (scenarios, sign-in sessions). Applied by
`optimizer.scenarios.store.migrate` whenever a store opens a database; no alembic.ini needed."""
