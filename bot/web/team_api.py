"""The team API (``/api/v1/``) for a local team's own systems: the same handoffs and actions as the
inbox pages, as JSON, for a token of the team (``Authorization: Bearer <token>``). Every call is
written to the team's access log; every refusal is in the one error format (bot/web/errors.py)."""

from __future__ import annotations

import functools
from typing import Awaitable, Callable

from aiohttp import web

from bot import db, texts
from bot.handoff import auth, inbox
from bot.handoff.auth import Member
from bot.handoff.models import STATUSES
from bot.web.common import json_api
from bot.web.errors import ApiError, read_json_object

ApiHandler = Callable[[web.Request, Member], Awaitable[web.Response]]


def _token_member(request: web.Request):
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return auth.token_member(request.app["database_url"], token)


def with_token(handler: ApiHandler) -> Callable[[web.Request], Awaitable[web.Response]]:
    """The handler gets the token's member; without a known token the answer is 401."""

    @functools.wraps(handler)
    async def wrapped(request: web.Request) -> web.Response:
        member = _token_member(request)
        if member is None:
            response = ApiError(401, texts.web("api.token"), "Authorization").response()
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        return await handler(request, member)

    return wrapped


def _refused(refused: inbox.RefusedError) -> ApiError:
    return ApiError(404 if refused.not_found else 422, refused.message, refused.field)


@with_token
async def list_handoffs(request: web.Request, member: Member) -> web.Response:
    status = request.query.get("status") or None
    municipality = request.query.get("municipality") or None
    with db.sessions(request.app["database_url"])() as session, session.begin():
        if status and status not in STATUSES:
            raise ApiError(422, inbox.check_status(status), "status")
        if municipality and municipality not in inbox.municipalities(session, member.team_name):
            raise ApiError(422, texts.web("api.municipality"), "municipality")
        handoffs = inbox.visible(session, member.team_name, status, municipality)
        inbox.log(session, member.username, member.team_name, "api: lijst", detail=f"{len(handoffs)} aanmeldingen")
        return web.json_response({"handoffs": [inbox.as_dict(h) for h in handoffs]})


@with_token
async def one_handoff(request: web.Request, member: Member) -> web.Response:
    with db.sessions(request.app["database_url"])() as session, session.begin():
        try:
            handoff = inbox.open_handoff(session, member, request.match_info["id"], via="api")
        except inbox.RefusedError as refused:
            raise _refused(refused) from None
        return web.json_response(inbox.as_dict(handoff, inbox.events(session, handoff)))


@with_token
async def change(request: web.Request, member: Member) -> web.Response:
    """claim {"by"?} / status {"status"} / notes {"text"}: the handoff as it is now."""
    body = await read_json_object(request)
    what, handoff_id = request.match_info["what"], request.match_info["id"]
    with db.sessions(request.app["database_url"])() as session, session.begin():
        try:
            if what == "claim":
                handoff = inbox.claim(session, member, handoff_id, body.get("by"), via="api")
            elif what == "status":
                handoff = inbox.set_status(session, member, handoff_id, body.get("status"), via="api")
            else:
                handoff = inbox.add_note(session, member, handoff_id, body.get("text"), via="api")
        except inbox.RefusedError as refused:
            raise _refused(refused) from None
        return web.json_response(inbox.as_dict(handoff, inbox.events(session, handoff)))


@with_token
async def access_log(request: web.Request, member: Member) -> web.Response:
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        raise ApiError(422, texts.web("api.page"), "page") from None
    with db.sessions(request.app["database_url"])() as session, session.begin():
        entries = inbox.access_log(session, member.team_name, page)
        inbox.log(session, member.username, member.team_name, "api: toegangslog bekeken")
        return web.json_response(
            {
                "page": page,
                "entries": [
                    {
                        "at": e.at.isoformat() + "Z",
                        "actor": e.actor,
                        "action": e.action,
                        "reference": e.reference,
                        "handoff_id": e.handoff_id,
                        "detail": e.detail,
                    }
                    for e in entries
                ],
            }
        )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/v1/handoffs", list_handoffs)
    app.router.add_get("/api/v1/handoffs/{id}", one_handoff)
    app.router.add_post("/api/v1/handoffs/{id}/{what:claim|status|notes}", change)
    app.router.add_get("/api/v1/access-log", access_log)
    json_api(app, "/api/")
