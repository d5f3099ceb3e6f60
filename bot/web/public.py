"""The public side: the website widget (its script, style and socket.io client), the pages that show
it (/demo/, /professioneel/) and the privacy and accessibility statements, and "Gesprek wissen"
(``/widget/api/erase``), the one call a visitor's browser makes here, allowed from the sites
configured in WEGWIJZER_WIDGET_ORIGINS (CORS)."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from bot import retention, settings, texts
from bot.settings import ROOT, allowed_origins
from bot.web.common import HERE, json_api, render
from bot.web.errors import ApiError, read_json_object

SOCKETIO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")


def TRACKER_URL() -> str:  # noqa: N802 - read when used, so a test can point it elsewhere
    return settings.tracker_database_url()


def _rasa_url() -> str:
    return settings.rasa_public_url()


def _widget_page(name: str, **values: Any) -> web.Response:
    """A page with the widget: it may talk to the Rasa server (socket.io), nothing else."""
    rasa = _rasa_url()
    socket = "ws" + rasa[4:] if rasa.startswith("http") else rasa
    response = render(name, rasa_url=rasa, **values)
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; connect-src 'self' {rasa} {socket}; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    )
    return response


async def demo_page(request: web.Request) -> web.Response:
    return _widget_page("demo.html", municipality=settings.demo_municipality())


async def professional_page(request: web.Request) -> web.Response:
    role = request.query.get("rol")
    labels = {"gp": "huisartsenpraktijk", "school": "school"}
    return _widget_page("professional.html", role=role if role in labels else None, role_label=labels.get(role, ""))


async def privacy_page(request: web.Request) -> web.Response:
    return render("privacy.html", retention_days=settings.RETENTION_DAYS, handoff_days=settings.HANDOFF_RETENTION_DAYS)


async def accessibility_page(request: web.Request) -> web.Response:
    return render("accessibility.html")


async def socketio_client(request: web.Request) -> web.StreamResponse:
    """socket.io-client from the npm package installed at set-up (package-lock.json): served here."""
    path = SOCKETIO_CLIENT
    if not path.exists():
        return web.Response(status=503, text="socket.io-client is missing: run `make setup`")
    return web.FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})


def _cors(request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
    origin = request.headers.get("Origin")
    if origin and origin in allowed_origins():
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Vary"] = "Origin"
    return response


async def erase_preflight(request: web.Request) -> web.StreamResponse:
    return _cors(request, web.Response(status=204))


async def _erase(request: web.Request) -> web.Response:
    origin = request.headers.get("Origin")
    if origin and origin not in allowed_origins() and origin != f"{request.scheme}://{request.host}":
        raise ApiError(403, texts.web("widget.erase_origin"), "Origin")
    body = await read_json_object(request)
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        raise ApiError(422, texts.web("widget.erase_session"), "session_id")
    try:
        erased = retention.delete_conversations(TRACKER_URL(), [session_id])
    except Exception:  # noqa: BLE001 - say it failed; the widget keeps the conversation
        raise ApiError(503, texts.web("widget.erase_failed")) from None
    return web.json_response({"erased": bool(erased)})


async def erase(request: web.Request) -> web.StreamResponse:
    """ "Gesprek wissen": deletes the conversation from the tracker store. The session id is the
    conversation's secret (random, made by the widget), so knowing it is the proof. A refusal
    carries the CORS headers too, so the widget can read it."""
    try:
        response = await _erase(request)
    except ApiError as error:
        response = error.response()
    return _cors(request, response)


def add_routes(app: web.Application) -> None:
    app.router.add_get("/demo/", demo_page)
    app.router.add_get("/professioneel/", professional_page)
    app.router.add_get("/privacy", privacy_page)
    app.router.add_get("/toegankelijkheid", accessibility_page)
    app.router.add_get("/widget/vendor/socket.io.min.js", socketio_client)
    app.router.add_post("/widget/api/erase", erase)
    app.router.add_route("OPTIONS", "/widget/api/erase", erase_preflight)
    app.router.add_static("/widget/", HERE / "static" / "widget")
    json_api(app, "/widget/api/")
