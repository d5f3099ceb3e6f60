"""The waiting-times service over HTTP on loopback, on SQLite and (with TEST_POSTGRES_URL, as in
CI) on PostgreSQL: reading, provider API keys, bad input, the all-or-nothing CSV import,
stale figures, history, and the demo data."""

import asyncio
import datetime as dt
import os
import subprocess
import sys

import pytest
import requests
from sqlalchemy import func, select

from bot import db
from bot.waiting_times import norms, store
from bot.waiting_times.models import Provider, ProviderArea, WaitReport
from tests.conftest import DATABASES, migrated_database
from tools.servers import ROOT, free_port, wait_for

TODAY = dt.date.today()


@pytest.fixture(params=DATABASES)
def database_url(request, tmp_path):
    with migrated_database(request.param, tmp_path) as url:
        yield url


def _provider(session, provider_id, municipalities, waits):
    session.add(Provider(id=provider_id, name=provider_id.title(), example_data=False))
    session.flush()
    session.add_all(ProviderArea(provider_id=provider_id, municipality=m) for m in municipalities)
    for kind, aanmeld, behandel, stop, days_ago in waits:
        session.add(
            WaitReport(
                provider_id=provider_id,
                kind=kind,
                aanmeld_weeks=aanmeld,
                behandel_weeks=behandel,
                intake_stop=stop,
                peildatum=TODAY - dt.timedelta(days=days_ago),
                source="test",
                recorded_at=dt.datetime.utcnow(),
            )
        )


@pytest.fixture
def service(database_url, tmp_path):
    with db.sessions(database_url)() as session, session.begin():
        _provider(session, "snel", ["Katwijk"], [("jeugd_ggz_basis", 2, 3, False, 10)])
        _provider(session, "traag", ["Katwijk", "Leiden"], [("jeugd_ggz_basis", 8, 12, False, 200)])
        _provider(session, "vol", ["Katwijk"], [("jeugd_ggz_basis", 1, 1, True, 5)])
    port = free_port()
    log = tmp_path / "service.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--database-url", database_url, "serve-waits", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=open(log, "w"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", [process], [log])
        yield f"http://127.0.0.1:{port}", database_url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_waits_are_sorted_with_peildatum_staleness_and_norms(service):
    base, _ = service
    body = requests.get(
        f"{base}/v1/waits", params={"municipality": "Katwijk", "kind": "jeugd_ggz_basis"}, timeout=10
    ).json()
    results = body["results"]
    assert [r["provider_id"] for r in results] == ["snel", "traag", "vol"]  # intake stop last
    slow = results[1]
    assert slow["expected_weeks"] == 20 and slow["stale"] and slow["peildatum"]
    assert slow["flags"] == ["over_treeknorm", "harmful_wait"] and results[0]["flags"] == []


@pytest.mark.parametrize(
    "params,field",
    [({"kind": "jeugd_ggz_basis"}, "municipality"), ({"municipality": "Katwijk", "kind": "paardentherapie"}, "kind")],
)
def test_a_bad_query_names_the_field(service, params, field):
    base, _ = service
    response = requests.get(f"{base}/v1/waits", params=params, timeout=10)
    assert response.status_code == 400 and response.json()["error"]["field"] == field


def test_a_provider_reports_only_its_own_waits_and_history_is_kept(service):
    base, url = service
    key = store.create_api_key(url, "traag")
    report = {
        "kind": "jeugd_ggz_basis",
        "aanmeld_weeks": 1,
        "behandel_weeks": 2,
        "intake_stop": False,
        "peildatum": TODAY.isoformat(),
        "source": "eigen melding",
    }
    endpoint = f"{base}/v1/providers/traag/waits"
    assert requests.post(endpoint, json=report, timeout=10).status_code == 401
    assert requests.post(endpoint, json=report, headers={"X-API-Key": "wrong"}, timeout=10).status_code == 401
    other = store.create_api_key(url, "snel")
    assert requests.post(endpoint, json=report, headers={"X-API-Key": other}, timeout=10).status_code == 403
    assert requests.post(endpoint, json=report, headers={"X-API-Key": key}, timeout=10).status_code == 201
    results = requests.get(
        f"{base}/v1/waits", params={"municipality": "Leiden", "kind": "jeugd_ggz_basis"}, timeout=10
    ).json()["results"]
    assert results[0]["expected_weeks"] == 3 and not results[0]["stale"]
    with db.sessions(url)() as session:
        assert session.execute(select(func.count()).where(WaitReport.provider_id == "traag")).scalar() == 2


def test_a_bad_report_gets_422_naming_each_field(service):
    base, url = service
    key = store.create_api_key(url, "snel")
    bad = {
        "kind": "jeugd_ggz_basis",
        "aanmeld_weeks": "veel",
        "peildatum": (TODAY + dt.timedelta(days=3)).isoformat(),
        "source": "x",
    }
    response = requests.post(f"{base}/v1/providers/snel/waits", json=bad, headers={"X-API-Key": key}, timeout=10)
    assert response.status_code == 422
    assert {detail["field"] for detail in response.json()["error"]["details"]} == {"aanmeld_weeks", "peildatum"}
    response = requests.post(
        f"{base}/v1/providers/snel/waits", data="{not json", headers={"X-API-Key": key}, timeout=10
    )
    assert response.status_code == 400


def test_the_openapi_description_is_served(service):
    base, _ = service
    spec = requests.get(f"{base}/openapi.json", timeout=10).json()
    assert spec["openapi"].startswith("3.") and "/v1/waits" in spec["paths"]


def test_csv_import_is_all_or_nothing(service):
    _, url = service
    header = "provider_id,kind,aanmeld_weeks,behandel_weeks,intake_stop,peildatum,source\n"
    good = f"snel,ambulante_jeugdhulp,3,,nee,{TODAY},peiling\ntraag,ambulante_jeugdhulp,9,4,ja,{TODAY},peiling\n"
    assert store.import_csv(url, header + good) == 2
    bad = f"snel,crisis,0,0,nee,{TODAY},peiling\nonbekend,crisis,0,0,nee,{TODAY},peiling\nsnel,crisis,x,0,misschien,gisteren,\n"
    with db.sessions(url)() as session:
        before = session.execute(select(func.count(WaitReport.id))).scalar()
    with pytest.raises(store.InvalidReport) as invalid:
        store.import_csv(url, header + bad)
    problems = {(error.row, error.field) for error in invalid.value.errors}
    assert {(2, "provider_id"), (3, "aanmeld_weeks"), (3, "intake_stop"), (3, "peildatum"), (3, "source")} <= problems
    with db.sessions(url)() as session:
        assert session.execute(select(func.count(WaitReport.id))).scalar() == before  # nothing half-imported
    with pytest.raises(store.InvalidReport):
        store.import_csv(url, "provider_id,kind\nsnel,crisis\n")  # missing columns


def test_norms():
    assert norms.flags({"aanmeld_weeks": 4, "behandel_weeks": 9}) == []
    assert norms.flags({"aanmeld_weeks": 5, "behandel_weeks": None}) == ["over_treeknorm"]
    # Within both treeknorm steps, but more than 3 months in all: still harmful waiting.
    assert norms.flags({"aanmeld_weeks": 4, "behandel_weeks": 10}) == ["harmful_wait"]
    assert norms.flags({"aanmeld_weeks": 3, "behandel_weeks": 11}) == ["over_treeknorm", "harmful_wait"]


@pytest.mark.skipif(not (ROOT / "bot" / "knowledge" / "providers.yml").exists(), reason="no demo providers file")
def test_demo_data_covers_every_configured_municipality(tmp_path):
    from bot import knowledge

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    db.migrate(url)
    assert store.seed_demo(url) > 0 and store.seed_demo(url) == 0  # loaded once
    municipalities = {m["name"] for r in knowledge.load("regions")["regions"] for m in r["municipalities"]}
    for name in municipalities:
        assert store.current_waits(url, name, "jeugd_ggz_basis"), name
    with db.sessions(url)() as session:
        assert all(session.execute(select(Provider.example_data)).scalars())


def _tracker(text, slots=None):
    from rasa_sdk import Tracker

    return Tracker(
        sender_id="unit",
        slots=slots or {},
        latest_message={"text": text, "intent": {"name": "ask_waiting_time"}, "entities": []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def _texts(dispatcher):
    return "\n".join(message["text"] for message in dispatcher.messages)


def test_the_bot_goes_on_when_the_service_is_down():
    from rasa_sdk.executor import CollectingDispatcher

    from actions import waiting_times
    from bot.waiting_times.client import WaitingTimesClient

    dispatcher = CollectingDispatcher()
    down = WaitingTimesClient(f"http://127.0.0.1:{free_port()}")  # nothing listens there
    asyncio.run(
        waiting_times.answer_question(dispatcher, _tracker("hoe lang is de wachttijd voor jeugd-GGZ in Katwijk?"), down)
    )
    assert "kan ik nu even niet laten zien" in _texts(dispatcher)


def test_the_bot_shows_a_few_waits_with_peildatum_source_and_the_norms(service):
    from rasa_sdk.executor import CollectingDispatcher

    from actions import waiting_times
    from bot.waiting_times.client import WaitingTimesClient

    base, _ = service
    dispatcher = CollectingDispatcher()
    client = WaitingTimesClient(base)
    shown = asyncio.run(waiting_times.show(dispatcher, _tracker("x"), "Katwijk", "jeugd_ggz_basis", client))
    text = _texts(dispatcher)
    assert [wait["provider_id"] for wait in shown] == ["snel", "traag", "vol"]
    assert "Snel: ongeveer 2 weken tot de intake, daarna ongeveer 3 weken tot de behandeling" in text
    assert "Vol: ongeveer 1 week tot de intake, daarna ongeveer 1 week tot de behandeling" in text
    assert "kan verouderd zijn" in text and "aanmeldstop" in text
    assert "schadelijk wachten" in text and "overbruggingszorg" in text and "geen plek of voorrang" in text


def test_the_client_keeps_a_short_cache(service):
    from bot.waiting_times.client import WaitingTimesClient

    base, _ = service
    client = WaitingTimesClient(base, cache_seconds=60)
    first = client.waits("Katwijk", "jeugd_ggz_basis")
    client.base_url = f"http://127.0.0.1:{free_port()}"  # as if the service went away
    assert client.waits("Katwijk", "jeugd_ggz_basis") == first
    assert client.waits("Leiden", "jeugd_ggz_basis") is None


def test_a_question_without_a_place_or_kind_asks_for_it():
    from rasa_sdk.executor import CollectingDispatcher

    from actions import waiting_times

    dispatcher = CollectingDispatcher()
    asyncio.run(waiting_times.answer_question(dispatcher, _tracker("hoe lang moet ik wachten?")))
    assert "Voor welke gemeente" in _texts(dispatcher)
    dispatcher = CollectingDispatcher()
    asyncio.run(
        waiting_times.answer_question(dispatcher, _tracker("hoe lang moet ik wachten?", {"municipality": "Leiden"}))
    )
    assert "Voor welke soort hulp" in _texts(dispatcher) and dispatcher.messages[0]["buttons"]


def test_a_service_that_never_answers_does_not_hang_the_bot():
    import socket

    from rasa_sdk.executor import CollectingDispatcher

    from actions import waiting_times
    from bot.waiting_times.client import WaitingTimesClient

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections, never sends a byte
    try:
        client = WaitingTimesClient(
            f"http://127.0.0.1:{silent.getsockname()[1]}", connect_timeout=0.5, read_timeout=0.5
        )
        dispatcher = CollectingDispatcher()
        asyncio.run(waiting_times.show(dispatcher, _tracker("x"), "Katwijk", "jeugd_ggz_basis", client))
        assert "kan ik nu even niet laten zien" in _texts(dispatcher)
    finally:
        silent.close()
