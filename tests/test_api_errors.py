"""Every HTTP API of the project refuses a bad request in the same shape (bot/web/errors.py): the
team API and the widget's erase call of the web process, and the waiting-times service."""

import asyncio

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot import cli
from bot.handoff import auth
from bot.waiting_times import service
from bot.web.app import create_app

LEIDEN = "Jeugd- en Gezinsteam Leiden"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('api-errors') / 'errors.db'}"
    assert cli.main(["--database-url", url, "seed-demo"]) == 0
    return url, auth.create_token(url, LEIDEN, "zaaksysteem")


def answers(app, calls):
    """(status, JSON body) for each (method, path, keyword arguments) sent to the app in-process."""

    async def send():
        async with TestClient(TestServer(app)) as client:
            found = []
            for method, path, arguments in calls:
                response = await client.request(method, path, **arguments)
                assert response.content_type == "application/json", (path, await response.text())
                found.append((response.status, await response.json()))
            return found

    return asyncio.run(send())


def assert_one_shape(status, body, expected_status, field):
    assert status == expected_status and list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"status", "message", "field", "details"}
    assert error["status"] == status and error["field"] == field
    assert isinstance(error["message"], str) and error["message"]
    if field is None:
        assert error["details"] == []
    else:
        assert error["details"][0]["field"] == field and all(d["message"] for d in error["details"])


def test_the_team_api_the_widget_and_the_waiting_times_service_refuse_in_one_shape(database):
    url, token = database
    bearer = {"Authorization": f"Bearer {token}"}
    web_answers = answers(
        create_app(url),
        [
            ("GET", "/api/v1/handoffs?status=klaar", {"headers": bearer}),
            ("POST", "/api/v1/handoffs/bestaat-niet/status", {"headers": bearer, "json": {"status": "afgerond"}}),
            ("GET", "/api/v1/handoffs", {}),
            (
                "POST",
                "/api/v1/handoffs/x/notes",
                {"headers": {**bearer, "Content-Type": "application/json"}, "data": "{niet json"},
            ),
            ("POST", "/widget/api/erase", {"json": {"session_id": "kort"}}),
        ],
    )
    waits_answers = answers(
        service.make_app(url),
        [
            ("GET", "/v1/waits?municipality=Katwijk&kind=paardentherapie", {}),
            ("POST", "/v1/providers/iemand/waits", {"json": {}}),
        ],
    )
    expected = [
        (422, "status"),
        (404, "id"),
        (401, "Authorization"),
        (400, "body"),
        (422, "session_id"),
        (400, "kind"),
        (401, "X-API-Key"),
    ]
    for (status, body), (expected_status, field) in zip(web_answers + waits_answers, expected, strict=True):
        assert_one_shape(status, body, expected_status, field)


def test_several_wrong_fields_are_each_named(database):
    url, _ = database
    [(status, body)] = answers(service.make_app(url), [("GET", "/v1/waits", {})])
    assert_one_shape(status, body, 400, "municipality")
    assert [d["field"] for d in body["error"]["details"]] == ["municipality", "kind"]
    assert "municipality" in body["error"]["message"] and "kind" in body["error"]["message"]


def test_an_unknown_address_or_a_too_big_body_is_refused_in_the_same_shape(database):
    url, token = database
    too_big = {"headers": {"Authorization": f"Bearer {token}"}, "json": {"text": "x" * 100_000}}
    web_answers = answers(
        create_app(url), [("GET", "/api/v1/bestaat-niet", {}), ("POST", "/api/v1/handoffs/x/notes", too_big)]
    )
    waits_answers = answers(service.make_app(url), [("GET", "/v2/waits", {})])
    expected = [(404, None), (413, "body"), (404, None)]
    for (status, body), (expected_status, field) in zip(web_answers + waits_answers, expected, strict=True):
        assert_one_shape(status, body, expected_status, field)
