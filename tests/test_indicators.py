"""Anonymised indicators and retention, on SQLite and (when TEST_POSTGRES_URL is set, as in CI)
on the PostgreSQL server this machine provides."""

import time
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text

from bot import indicators, retention
from tests.conftest import DATABASES, migrated_database


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    with migrated_database(request.param, tmp_path) as url:
        yield url


def test_indicators_are_stored_without_personal_data(database_url):
    ref = uuid.uuid4().hex[:16]
    assert indicators.record(
        "route",
        ref,
        role="parent",
        municipality="Leiden",
        domain="opvoeding_gedrag",
        route="voorveld",
        turns=11,
        url=database_url,
    )
    assert indicators.record("feedback", ref, score=4, url=database_url)
    rows = [row for row in indicators.all_events(database_url) if row.conversation_ref == ref]
    assert [(row.kind, row.route, row.score) for row in rows] == [("route", "voorveld", None), ("feedback", None, 4)]
    columns = {column["name"] for column in inspect(create_engine(database_url)).get_columns("indicator_events")}
    assert not columns & {"text", "message", "sender_id", "name", "phone", "concern"}


def test_an_unreachable_database_does_not_break_the_conversation():
    assert indicators.record("route", "x", url="postgresql://nobody@127.0.0.1:1/none") is False


def _tracker_events(url, rows):
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
            if url.startswith("postgresql")
            else text(
                "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), "
                "type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
        for sender, stamp in rows:
            connection.execute(
                text("INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (:s, 'user', :t, '{}')"),
                {"s": sender, "t": stamp},
            )
    return engine


def test_retention_deletes_old_conversations_and_nothing_else(database_url):
    now = time.time()
    old, recent = f"old-{uuid.uuid4().hex}", f"recent-{uuid.uuid4().hex}"
    # The old conversation's last message is 91 days ago; the recent one started long ago but is still going.
    engine = _tracker_events(
        database_url,
        [(old, now - 95 * 86400), (old, now - 91 * 86400), (recent, now - 200 * 86400), (recent, now - 3600)],
    )
    retention.purge_trackers(database_url, days=90, now=now)
    with engine.connect() as connection:
        senders = set(connection.execute(text("SELECT sender_id FROM events")).scalars())
    assert recent in senders and old not in senders
