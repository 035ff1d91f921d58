"""Alembic environment: runs on the connection `roi.store.migrate` hands over."""

from alembic import context

from roi.store.models import Base

target_metadata = Base.metadata
connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` command line: use ROI_DATABASE_URL / the default
    from sqlalchemy import create_engine

    from roi.store import default_url

    with create_engine(default_url()).begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
