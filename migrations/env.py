"""Alembic environment: runs migrations against the URL given by bot.waiting_times.cli."""
from alembic import context

from bot import db
from bot.waiting_times.models import Base

url = context.config.get_main_option("sqlalchemy.url")
with db.engine(url).connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=url.startswith("sqlite"))
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
