"""Alembic environment: every table of bot/db.py's Base, in the database bot.migrate() is given or,
for a bare `alembic upgrade head`, the one in the settings (DATABASE_URL, bot/settings.py)."""

from alembic import context

from bot import db, settings

url = context.config.get_main_option("sqlalchemy.url") or settings.DATABASE_URL
with db.engine(url).connect() as connection:
    # render_as_batch: SQLite alters a table by copying it, which Alembic's batch mode does.
    context.configure(connection=connection, target_metadata=db.metadata(), render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
