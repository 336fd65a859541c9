"""Alembic environment for the store's read model; run from `services.store.migrate`, on its connection."""

from alembic import context
from sqlalchemy import text

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Two processes starting together (a store and a rebuild) must not both create the tables.
    connection.execute(text("SELECT pg_advisory_xact_lock(724011)"))
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
