"""The production configuration: PostgreSQL tracker store and Redis lock store (the servers this
machine provides; set TEST_POSTGRES_URL and TEST_REDIS_URL, as .ci/run does). A conversation is
kept in PostgreSQL and goes on after the Rasa server restarts."""

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES, REDIS, temporary_postgres_database
from tools.servers import MODEL, Servers

pytestmark = pytest.mark.skipif(not (POSTGRES and REDIS), reason="TEST_POSTGRES_URL and TEST_REDIS_URL not set")


def test_conversation_survives_a_restart_with_postgres_and_redis(tmp_path):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make test`")
    redis = make_url(REDIS.replace("redis://", "postgresql://", 1))  # same URL shape; only host and port are used
    with temporary_postgres_database() as database_url:
        url = make_url(database_url)
        endpoints = (
            "tracker_store:\n  type: SQL\n  dialect: postgresql\n"
            f"  url: {url.host}\n  port: {url.port or 5432}\n  db: {url.database}\n  username: {url.username}\n"
            f"lock_store:\n  type: redis\n  url: {redis.host}\n  port: {redis.port or 6379}\n  db: 1\n"
        )
        servers = Servers(tmp_path, endpoints, {"SQL_POOL_SIZE": "5", "SQL_MAX_OVERFLOW": "5"})
        try:
            servers.start_actions()
            servers.start_rasa()
            sender = servers.bot.new_sender()
            servers.bot.say(sender, "hallo")
            servers.bot.say(sender, '/inform_role{"role":"parent"}')
            assert "In welke gemeente" in servers.bot.say(sender, "9")
            engine = create_engine(database_url, future=True)
            with engine.connect() as connection:
                stored = connection.execute(
                    text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
                ).scalar()
            engine.dispose()
            assert stored > 0

            servers.stop("rasa")
            servers.start_rasa()
            # The form goes on where it was: the age is remembered, the municipality is asked next.
            assert "Wat maakt je ongerust" in servers.bot.say(sender, "Leiden")
        finally:
            servers.stop_all()
