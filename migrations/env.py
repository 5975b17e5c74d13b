"""Alembic environment: the URL comes from the app's settings (unless the caller set one, as
the seeding command does for the new file it builds) and the schema from the SQLModel models."""

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from app.settings import get_settings

url = context.config.attributes.get("database_url") or get_settings().database_url

with create_engine(url).connect() as connection:
    context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
