"""The local team's inbox and JSON API, served by `python -m bot serve` on loopback and used
the way a team member's browser and an integration would."""

import re
import subprocess
import sys

import pytest
import requests
from markupsafe import escape
from sqlalchemy import select

from bot import cli, db
from bot.handoff import auth, store
from bot.handoff.models import AccessLogEntry, Handoff
from tools.servers import ROOT, free_port, wait_for

LEIDEN, KATWIJK = "Jeugd- en Gezinsteam Leiden", "Jeugd- en Gezinsteam Katwijk"
PASSWORD = "een-lang-wachtwoord-42"
XSS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    work = tmp_path_factory.mktemp("inbox")
    url = f"sqlite:///{work / 'inbox.db'}"
    assert cli.main(["--database-url", url, "seed-demo"]) == 0
    auth.add_staff(url, "anna", LEIDEN, "Anna (Leiden)", PASSWORD)
    auth.add_staff(url, "bram", KATWIJK, "Bram (Katwijk)", PASSWORD)
    auth.add_staff(url, "cees", LEIDEN, "Cees (Leiden)", PASSWORD)
    port = free_port()
    log = work / "web.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "--database-url", url, "serve", "--port", str(port), "--no-delivery"],
        cwd=ROOT,
        stdout=open(log, "a"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/health", [process], [log])
        yield {
            "url": url,
            "base": f"http://127.0.0.1:{port}",
            "tokens": {
                LEIDEN: auth.create_token(url, LEIDEN, "zaaksysteem-leiden"),
                KATWIJK: auth.create_token(url, KATWIJK, "zaaksysteem-katwijk"),
            },
        }
    finally:
        process.terminate()
        process.wait(20)


def new_handoff(
    site,
    municipality="Leiden",
    team=LEIDEN,
    concern="hij is erg angstig",
    phone="0612345678",
    name="Sanne",
    provider="Praktijk De Linde",
):
    data = store.NewHandoff(
        municipality=municipality,
        team_name=team,
        referrer_role="parent",
        route="local_team",
        urgency="normaal",
        summary={
            "sections": [{"title": "Het kind (ontwikkeling)", "lines": [{"label": "Zorg", "value": concern}]}],
            "text": f"Zorg: {concern}",
        },
        contact={"name": name, "phone": phone, "email": None},
        consent={"band": "onder_12", "given_by": ["ouders"], "asked_as": "parent", "at": "2026-03-02T09:15:00+00:00"},
        safety_flags=["huiselijk geweld"],
        waits_shown=[{"provider": provider, "kind": "jeugd_ggz_basis", "aanmeld_weeks": 6, "peildatum": "2026-03-01"}],
    )
    return store.create(site["url"], data)


def login(site, username="anna", password=PASSWORD) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{site['base']}/inbox/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    response = browser.post(
        f"{site['base']}/inbox/login", data={"csrf": csrf, "username": username, "password": password}
    )
    browser.last = response
    return browser


def csrf_of(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


def api(site, team=LEIDEN):
    client = requests.Session()
    client.headers["Authorization"] = f"Bearer {site['tokens'][team]}"
    return client


def test_login_shows_the_teams_inbox_and_security_headers(site):
    browser = login(site)
    assert browser.last.status_code == 200 and "Aanmeldingen" in browser.last.text
    assert "Anna (Leiden)" in browser.last.text
    for response in (
        browser.last,
        requests.get(f"{site['base']}/inbox/login"),
        requests.get(f"{site['base']}/api/v1/handoffs"),
        browser.get(f"{site['base']}/inbox/bestaat-niet"),
    ):
        headers = response.headers
        assert "default-src 'self'; frame-ancestors 'none'; form-action 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        assert headers["Cache-Control"] == "no-store"
    cookie = next(c for c in browser.cookies if c.name == "wegwijzer_inbox")
    assert cookie.has_nonstandard_attr("HttpOnly") and cookie.path == "/inbox"


def test_without_login_there_is_nothing_to_see(site):
    _, reference = new_handoff(site)
    response = requests.get(f"{site['base']}/inbox/", allow_redirects=False)
    assert response.status_code == 303 and response.headers["Location"] == "/inbox/login"
    assert reference not in requests.get(f"{site['base']}/inbox/").text


def login_error(response) -> str:
    return re.search(r'role="alert">([^<]*)<', response.text).group(1)


def test_five_wrong_passwords_lock_the_account(site):
    auth.add_staff(site["url"], "dirk", LEIDEN, "Dirk", PASSWORD)
    unknown = login(site, "niemand", PASSWORD).last
    assert unknown.status_code == 401 and "Inloggen is niet gelukt" in login_error(unknown)
    for _ in range(5):
        wrong = login(site, "dirk", "fout-wachtwoord-000").last
        assert wrong.status_code == 401 and login_error(wrong) == login_error(unknown)
    locked = login(site, "dirk", PASSWORD)
    assert locked.last.status_code == 401 and login_error(locked.last) == login_error(unknown)
    assert "wegwijzer_inbox" not in locked.cookies and locked.get(f"{site['base']}/inbox/").url.endswith("/login")
    assert login(site).last.status_code == 200  # someone else's account is not affected
    with db.sessions(site["url"])() as session:
        actions = session.execute(select(AccessLogEntry.action).where(AccessLogEntry.actor == "dirk")).scalars().all()
    assert actions == ["login_mislukt"] * 4 + ["account_geblokkeerd", "login_geblokkeerd"]


def test_a_post_without_the_right_csrf_token_changes_nothing(site):
    handoff_id, _ = new_handoff(site)
    browser = login(site)
    for token in ("", "vals", "é"):
        response = browser.post(
            f"{site['base']}/inbox/handoffs/{handoff_id}/status",
            data={"csrf": token, "status": "afgerond"},
            allow_redirects=False,
        )
        assert response.status_code == 403
    with db.sessions(site["url"])() as session:
        assert session.get(Handoff, handoff_id).status == "nieuw"
    assert (
        requests.post(
            f"{site['base']}/inbox/login", data={"csrf": "x", "username": "anna", "password": PASSWORD}
        ).status_code
        == 403
    )
    assert browser.post(f"{site['base']}/inbox/logout", data={"csrf": "vals"}).status_code == 403
    assert browser.get(f"{site['base']}/inbox/").status_code == 200  # still logged in


def test_team_a_cannot_see_team_b_handoffs_in_the_pages_or_the_api(site):
    katwijk_id, katwijk_ref = new_handoff(site, "Katwijk", KATWIJK)
    leiden_id, leiden_ref = new_handoff(site)
    anna = login(site)
    listing = anna.get(f"{site['base']}/inbox/").text
    assert leiden_ref in listing and katwijk_ref not in listing
    hidden = anna.get(f"{site['base']}/inbox/handoffs/{katwijk_id}")
    assert hidden.status_code == 404 and "hoort niet bij jouw team" in hidden.text and katwijk_ref not in hidden.text
    page = anna.get(f"{site['base']}/inbox/handoffs/{leiden_id}")
    response = anna.post(
        f"{site['base']}/inbox/handoffs/{katwijk_id}/status",
        data={"csrf": csrf_of(page.text), "status": "afgerond"},
        allow_redirects=False,
    )
    assert response.status_code == 404

    leiden_api = api(site)
    references = [h["reference"] for h in leiden_api.get(f"{site['base']}/api/v1/handoffs").json()["handoffs"]]
    assert leiden_ref in references and katwijk_ref not in references
    assert leiden_api.get(f"{site['base']}/api/v1/handoffs/{katwijk_id}").status_code == 404
    assert (
        leiden_api.post(f"{site['base']}/api/v1/handoffs/{katwijk_id}/status", json={"status": "afgerond"}).status_code
        == 404
    )
    assert api(site, KATWIJK).get(f"{site['base']}/api/v1/handoffs/{katwijk_id}").json()["reference"] == katwijk_ref
    with db.sessions(site["url"])() as session:
        assert session.get(Handoff, katwijk_id).status == "nieuw"


def test_the_detail_page_shows_what_the_referrer_sent(site):
    handoff_id, reference = new_handoff(site)
    page = login(site).get(f"{site['base']}/inbox/handoffs/{handoff_id}").text
    for shown in (
        f"Aanmelding {reference}",
        "Let op: signalen van onveiligheid",
        "huiselijk geweld",
        "hij is erg angstig",
        "Sanne",
        "0612345678",
        "ouders of verzorgers",
        "jonger dan 12",
        "Praktijk De Linde",
        "jeugd-GGZ (basis)",
        "6 weken",
        "ontvangen",
    ):
        assert shown in page


@pytest.mark.parametrize("payload", XSS)
def test_a_script_in_the_concern_shows_as_text(site, payload):
    handoff_id, _ = new_handoff(site, concern=f"zorgen {payload} thuis", name=payload, provider=payload)
    page = login(site).get(f"{site['base']}/inbox/handoffs/{handoff_id}").text
    assert payload not in page
    assert str(escape(f"zorgen {payload} thuis")) in page and page.count(str(escape(payload))) >= 3
    response = api(site).get(f"{site['base']}/api/v1/handoffs/{handoff_id}")
    assert response.headers["Content-Type"].startswith("application/json")
    detail = response.json()
    assert detail["summary"]["sections"][0]["lines"][0]["value"] == f"zorgen {payload} thuis"
    assert detail["contact"]["name"] == payload


def test_claim_status_and_note_are_what_the_referrer_and_the_log_see(site):
    handoff_id, reference = new_handoff(site, phone="0655555555")
    anna = login(site)
    page = anna.get(f"{site['base']}/inbox/handoffs/{handoff_id}").text
    csrf = csrf_of(page)
    claimed = anna.post(f"{site['base']}/inbox/handoffs/{handoff_id}/claim", data={"csrf": csrf})
    assert "Je hebt deze aanmelding opgepakt." in claimed.text and "in behandeling" in claimed.text
    assert store.status_for(site["url"], reference, "0655555555").status == "in_behandeling"
    empty = anna.post(f"{site['base']}/inbox/handoffs/{handoff_id}/notes", data={"csrf": csrf, "text": "  "})
    assert empty.status_code == 400 and "Typ eerst een notitie." in empty.text
    noted = anna.post(
        f"{site['base']}/inbox/handoffs/{handoff_id}/notes",
        data={"csrf": csrf, "text": "Moeder gebeld, afspraak <b>dinsdag</b>"},
    )
    assert "Moeder gebeld, afspraak &lt;b&gt;dinsdag&lt;/b&gt;" in noted.text
    done = anna.post(f"{site['base']}/inbox/handoffs/{handoff_id}/status", data={"csrf": csrf, "status": "afgerond"})
    assert "De status is opgeslagen." in done.text
    answer = store.status_for(site["url"], reference, "0655555555")
    assert answer.status == "afgerond"
    with db.sessions(site["url"])() as session:
        assert session.get(Handoff, handoff_id).closed_at is not None
        entries = (
            session.execute(
                select(AccessLogEntry).where(AccessLogEntry.handoff_id == handoff_id).order_by(AccessLogEntry.id)
            )
            .scalars()
            .all()
        )
    assert [(e.actor, e.action) for e in entries] == [
        ("anna", "bekeken"),
        ("anna", "opgepakt"),
        ("anna", "bekeken"),
        ("anna", "notitie toegevoegd"),
        ("anna", "bekeken"),
        ("anna", "status gewijzigd"),
        ("anna", "bekeken"),
    ]
    assert all("Moeder" not in (e.detail or "") for e in entries)

    log_page = login(site, "cees").get(f"{site['base']}/inbox/log").text  # a colleague reads the team's log
    assert reference in log_page and "notitie toegevoegd" in log_page and "Moeder gebeld" not in log_page
    assert reference not in login(site, "bram").get(f"{site['base']}/inbox/log").text


def test_the_list_filters_on_status(site):
    handoff_id, reference = new_handoff(site)
    api(site).post(f"{site['base']}/api/v1/handoffs/{handoff_id}/status", json={"status": "doorverwezen"})
    anna = login(site)
    assert reference in anna.get(f"{site['base']}/inbox/?status=doorverwezen").text
    assert reference not in anna.get(f"{site['base']}/inbox/?status=nieuw").text
    found = anna.get(f"{site['base']}/inbox/", params={"referentie": reference.lower()}).text
    assert reference in found and "1 aanmelding" in found
    anna.get(f"{site['base']}/inbox/", params={"referentie": "Jansen"})  # a name typed in the wrong box
    with db.sessions(site["url"])() as session:
        details = (
            session.execute(select(AccessLogEntry.detail).where(AccessLogEntry.action == "lijst bekeken"))
            .scalars()
            .all()
        )
    assert f"referentie={reference}" in details and not any("Jansen" in (d or "") for d in details)


def test_the_api_names_what_is_wrong(site):
    handoff_id, _ = new_handoff(site)
    base = site["base"]
    unauthorised = requests.get(f"{base}/api/v1/handoffs")
    assert unauthorised.status_code == 401 and unauthorised.json()["error"]["field"] == "Authorization"
    client = api(site)
    wrong_status = client.post(f"{base}/api/v1/handoffs/{handoff_id}/status", json={"status": "klaar"})
    assert wrong_status.status_code == 422 and wrong_status.json()["error"]["field"] == "status"
    bad_json = client.post(
        f"{base}/api/v1/handoffs/{handoff_id}/status", data="{niet json", headers={"Content-Type": "application/json"}
    )
    assert bad_json.status_code == 400 and bad_json.json()["error"]["field"] == "body"
    not_json = client.post(f"{base}/api/v1/handoffs/{handoff_id}/notes", data="tekst")
    assert not_json.status_code == 415
    empty_note = client.post(f"{base}/api/v1/handoffs/{handoff_id}/notes", json={"text": ""})
    assert empty_note.status_code == 422 and empty_note.json()["error"]["field"] == "text"
    assert empty_note.json()["error"]["message"] == "Typ eerst een notitie."  # the page's words too
    unknown = client.post(f"{base}/api/v1/handoffs/bestaat-niet/notes", json={"text": "hallo"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "id"
    long_name = client.post(f"{base}/api/v1/handoffs/{handoff_id}/claim", json={"by": "x" * 61})
    assert long_name.status_code == 422 and long_name.json()["error"]["field"] == "by"
    assert client.get(f"{base}/api/v1/handoffs?status=klaar").json()["error"]["field"] == "status"
    too_big = client.post(f"{base}/api/v1/handoffs/{handoff_id}/notes", json={"text": "x" * 100_000})
    assert too_big.status_code == 413 and too_big.json()["error"]["field"] == "body"
    claimed = client.post(f"{base}/api/v1/handoffs/{handoff_id}/claim", json={"by": "Fatima"})
    assert claimed.status_code == 200 and claimed.json()["status"] == "in_behandeling"
    assert claimed.json()["claimed_by"] == "api:zaaksysteem-leiden (Fatima)"
    log = client.get(f"{base}/api/v1/access-log").json()["entries"]
    assert any(e["actor"] == "api:zaaksysteem-leiden" and e["action"] == "api: opgepakt" for e in log)
    assert not any(e["handoff_id"] == handoff_id and e["action"] != "api: opgepakt" for e in log)  # refusals not logged


def test_the_cli_makes_demo_accounts_once_and_checks_new_staff(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert cli.main(["--database-url", url, "seed-demo"]) == 0
    accounts = tmp_path / "accounts.txt"
    auth.demo_accounts(url, accounts)
    assert accounts.stat().st_mode & 0o777 == 0o600
    lines = accounts.read_text().splitlines()[1:]
    username, password = lines[0].split()[:2]
    assert auth.login(url, username, password).member.team_name == LEIDEN
    assert auth.demo_accounts(url, accounts).startswith("Inbox accounts exist already")
    assert accounts.read_text().splitlines()[1:] == lines

    monkeypatch.setenv("WEGWIJZER_NEW_PASSWORD", "te-kort")
    add_eva = ["--database-url", url, "add-staff", "--username", "eva", "--team", LEIDEN, "--display-name", "Eva"]
    assert cli.main(add_eva) == 2
    monkeypatch.setenv("WEGWIJZER_NEW_PASSWORD", PASSWORD)
    assert (
        cli.main(
            ["--database-url", url, "add-staff", "--username", "eva", "--team", "Geen Team", "--display-name", "Eva"]
        )
        == 2
    )
    assert "no local team named 'Geen Team'" in capsys.readouterr().err
    assert cli.main(add_eva) == 0
    assert auth.login(url, "eva", PASSWORD).member is not None


def test_a_session_ends_after_half_an_hour_unused_and_after_eight_hours_in_any_case(site):
    import datetime as dt

    login_time = store.utcnow()
    idle = auth.login(site["url"], "cees", PASSWORD, now=login_time).token
    assert auth.session_member(site["url"], idle, now=login_time + dt.timedelta(minutes=29)) is not None
    assert auth.session_member(site["url"], idle, now=login_time + dt.timedelta(minutes=29 + 31)) is None

    busy = auth.login(site["url"], "cees", PASSWORD, now=login_time).token
    for minutes in range(25, 8 * 60 + 60, 25):  # used every 25 minutes
        still_in = auth.session_member(site["url"], busy, now=login_time + dt.timedelta(minutes=minutes))
        assert (still_in is not None) == (minutes <= 8 * 60), minutes


def test_taking_over_a_colleagues_handoff_is_said_and_recorded(site):
    handoff_id, _ = new_handoff(site)
    anna, cees = login(site), login(site, "cees")
    page = anna.get(f"{site['base']}/inbox/handoffs/{handoff_id}").text
    anna.post(f"{site['base']}/inbox/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(page)})
    page = cees.get(f"{site['base']}/inbox/handoffs/{handoff_id}").text
    assert "Overnemen van anna" in page
    taken = cees.post(f"{site['base']}/inbox/handoffs/{handoff_id}/claim", data={"csrf": csrf_of(page)}).text
    assert "opgepakt door cees" in taken and "overgenomen van anna" in taken
