"""The web process: ``create_app`` puts together one module per audience, each with its own rules.

bot/web/inbox.py      staff of a local team: session cookie, CSRF token on every POST, HTML error pages
  GET  /  and  /inbox                    to /inbox/
  GET  /inbox/login, POST /inbox/login, POST /inbox/logout
  GET  /inbox/                           handoffs of the team's municipalities (filters)
  GET  /inbox/handoffs/{id}              one handoff; POST .../claim, .../status, .../notes
  GET  /inbox/log                        the team's access log
  GET  /inbox/static/...                 the inbox's style sheet
bot/web/team_api.py   a team's own systems: Authorization: Bearer <token>, JSON errors
  GET  /api/v1/handoffs[?status=&municipality=]
  GET  /api/v1/handoffs/{id}; POST .../claim {"by"?}, .../status {"status"}, .../notes {"text"}
  GET  /api/v1/access-log[?page=]
bot/web/public.py     visitors and the sites that embed the widget: no login, CORS for erase
  GET  /demo/, /professioneel/[?rol=gp|school], /privacy, /toegankelijkheid   widget pages
  GET  /widget/wegwijzer.js (+ .css, vendor/socket.io.min.js); POST /widget/api/erase
this module
  GET  /health

Shared by all (bot/web/common.py): templates, the body limit, security headers on every answer;
the API error format is in bot/web/errors.py. To add an audience, write a module with
``add_routes(app)`` (routes under its own path prefix, and how errors under that prefix are
answered: ``common.answer_errors`` or ``common.json_api``) and add it to ``AUDIENCES``.
"""

from __future__ import annotations

from aiohttp import web

from bot.handoff import delivery
from bot.web import inbox, public, team_api
from bot.web.common import MAX_BODY_BYTES, security

AUDIENCES = (inbox, team_api, public)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(database_url: str, deliver: bool = False, deliver_interval: float = 5.0) -> web.Application:
    """The web application; with ``deliver`` it also runs the handoff delivery worker."""
    app = web.Application(middlewares=[security], client_max_size=MAX_BODY_BYTES)
    app["database_url"] = database_url
    app.router.add_get("/health", health)
    for audience in AUDIENCES:
        audience.add_routes(app)
    if deliver:

        async def start_worker(app: web.Application) -> None:
            app["delivery_stop"] = delivery.start_in_background(database_url, deliver_interval)

        async def stop_worker(app: web.Application) -> None:
            app["delivery_stop"].set()

        app.on_startup.append(start_worker)
        app.on_cleanup.append(stop_worker)
    return app
