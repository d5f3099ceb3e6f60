"""The team inbox (``/inbox/``) and its JSON API (``/api/v1/``).

  GET  /inbox/login, POST /inbox/login, POST /inbox/logout
  GET  /inbox/                         handoffs of the team's municipalities (filters)
  GET  /inbox/handoffs/{id}            one handoff; POST .../claim, .../status, .../notes
  GET  /inbox/log                      the team's access log
  GET  /api/v1/handoffs[?status=&municipality=]   (Authorization: Bearer <token>)
  GET  /api/v1/handoffs/{id}; POST .../claim, .../status {"status"}, .../notes {"text"}
  GET  /api/v1/access-log[?page=]
Every page escapes what it shows (a handoff holds what strangers typed); every POST from a page
carries the session's CSRF token; every view and change is written to the access log."""
from __future__ import annotations

import datetime as dt
import hmac
import json
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from bot import db
from bot.handoff import auth, delivery, inbox
from bot.handoff.models import STATUS_LABELS, STATUSES

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "wegwijzer_inbox"
LOGIN_COOKIE = "wegwijzer_login"
MAX_BODY_BYTES = 64 * 1024
NOTICES = {"opgepakt": "Je hebt deze aanmelding opgepakt.", "status": "De status is opgeslagen.",
           "notitie": "De notitie is opgeslagen.", "uitgelogd": "Je bent uitgelogd."}
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

try:
    from zoneinfo import ZoneInfo

    LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
except Exception:  # noqa: BLE001 - no time zone data: show UTC
    LOCAL_TIME = dt.timezone.utc


def _when(value: Optional[dt.datetime]) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.timezone.utc).astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined)
TEMPLATES.filters["when"] = _when
TEMPLATES.globals["status_labels"] = STATUS_LABELS
TEMPLATES.globals["statuses"] = STATUSES


def secure_cookies() -> bool:
    import os

    return os.environ.get("WEGWIJZER_SECURE_COOKIES") == "1"


def render(name: str, http_status: int = 200, **values: Any) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(name).render(**values), status=http_status,
                        content_type="text/html", charset="utf-8")


def _protect(headers, path: str) -> None:
    headers["Content-Security-Policy"] = CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    if not path.startswith("/inbox/static/"):
        headers["Cache-Control"] = "no-store"  # case data is never kept in a browser cache


@web.middleware
async def headers(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if not (request.path.startswith("/api/") and error.status >= 400):
            _protect(error.headers, request.path)
            raise
        response = web.json_response({"error": error.reason, "field": "body" if error.status == 413 else None},
                                     status=error.status)
    _protect(response.headers, request.path)
    return response


# --- pages ------------------------------------------------------------------------------------

def _member(request: web.Request):
    found = auth.session_member(request.app["database_url"], request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise web.HTTPSeeOther("/inbox/login")
    return found


async def _checked_form(request: web.Request, csrf: str) -> Dict[str, str]:
    form = await request.post()
    if not hmac.compare_digest(str(form.get("csrf", "")), csrf):
        raise web.HTTPForbidden(text="Deze actie is verlopen of komt niet van deze pagina. Laad de pagina opnieuw.")
    return {key: str(value) for key, value in form.items()}


async def login_page(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = render("login.html", csrf=token, error=None, notice=NOTICES.get(request.query.get("melding", "")),
                      username="")
    response.set_cookie(LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/inbox",
                        secure=secure_cookies(), max_age=3600)
    return response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(str(form.get("csrf", "")), cookie):
        raise web.HTTPForbidden(text="Deze inlogpagina is verlopen. Laad de pagina opnieuw.")
    result = auth.login(request.app["database_url"], str(form.get("username", "")).strip(),
                        str(form.get("password", "")))
    if result.member is None:
        error = ("Dit account is tijdelijk geblokkeerd na te veel pogingen. Probeer het over 15 minuten opnieuw."
                 if result.locked else "Gebruikersnaam of wachtwoord klopt niet.")
        return render("login.html", http_status=401, csrf=cookie, error=error, notice=None,
                      username=str(form.get("username", "")))
    response = web.HTTPSeeOther("/inbox/")
    response.set_cookie(SESSION_COOKIE, result.token, httponly=True, samesite="Strict", path="/inbox",
                        secure=secure_cookies(), max_age=auth.SESSION_HOURS * 3600)
    response.del_cookie(LOGIN_COOKIE, path="/inbox")
    return response


async def logout(request: web.Request) -> web.Response:
    member, csrf = _member(request)
    await _checked_form(request, csrf)
    auth.logout(request.app["database_url"], request.cookies.get(SESSION_COOKIE))
    response = web.HTTPSeeOther("/inbox/login?melding=uitgelogd")
    response.del_cookie(SESSION_COOKIE, path="/inbox")
    return response


async def list_page(request: web.Request) -> web.Response:
    member, csrf = _member(request)
    status = request.query.get("status") or None
    municipality = request.query.get("gemeente") or None
    reference = (request.query.get("referentie") or "").strip() or None
    with db.sessions(request.app["database_url"])() as session, session.begin():
        allowed = inbox.municipalities(session, member.team_name)
        if status not in STATUSES:
            status = None
        if municipality not in allowed:
            municipality = None
        handoffs = inbox.visible(session, member.team_name, status, municipality, reference)
        filters = ", ".join(f"{k}={v}" for k, v in (("status", status), ("gemeente", municipality),
                                                    ("referentie", reference)) if v)
        inbox.log(session, member.username, member.team_name, "lijst bekeken", detail=filters or None)
        return render("list.html", member=member, csrf=csrf, handoffs=handoffs, municipalities=allowed,
                      status=status, municipality=municipality, reference=reference or "",
                      notice=NOTICES.get(request.query.get("melding", "")))


def _detail(request: web.Request, session, member, csrf, handoff, http_status: int = 200,
            error: Optional[str] = None, note: str = "") -> web.Response:
    return render("detail.html", http_status=http_status, member=member, csrf=csrf, handoff=handoff,
                  history=inbox.events(session, handoff), error=error, note=note,
                  notice=NOTICES.get(request.query.get("melding", "")))


async def detail_page(request: web.Request) -> web.Response:
    member, csrf = _member(request)
    with db.sessions(request.app["database_url"])() as session, session.begin():
        handoff = inbox.get(session, member.team_name, request.match_info["id"])
        if handoff is None:
            raise web.HTTPNotFound(text="Deze aanmelding bestaat niet, of hoort niet bij jouw team.")
        inbox.log(session, member.username, member.team_name, "bekeken", handoff)
        return _detail(request, session, member, csrf, handoff)


async def change(request: web.Request) -> web.Response:
    """claim / status / notes from the detail page."""
    member, csrf = _member(request)
    form = await _checked_form(request, csrf)
    what = request.match_info["what"]
    with db.sessions(request.app["database_url"])() as session, session.begin():
        handoff = inbox.get(session, member.team_name, request.match_info["id"])
        if handoff is None:
            raise web.HTTPNotFound(text="Deze aanmelding bestaat niet, of hoort niet bij jouw team.")
        if what == "claim":
            inbox.claim(session, handoff, member.username)
            inbox.log(session, member.username, member.team_name, "opgepakt", handoff)
            notice = "opgepakt"
        elif what == "status":
            problem = inbox.check_status(form.get("status"))
            if problem:
                return _detail(request, session, member, csrf, handoff, 400, problem)
            from bot.handoff import store

            store.change_status(session, handoff, form["status"], member.username)
            inbox.log(session, member.username, member.team_name, "status gewijzigd", handoff,
                      f"status: {STATUS_LABELS[form['status']]}")
            notice = "status"
        else:
            problem = inbox.check_note(form.get("text"))
            if problem:
                return _detail(request, session, member, csrf, handoff, 400, problem, form.get("text", "")[:5000])
            inbox.add_note(session, handoff, member.username, form["text"].strip())
            inbox.log(session, member.username, member.team_name, "notitie toegevoegd", handoff)
            notice = "notitie"
        target = f"/inbox/handoffs/{handoff.id}?{urlencode({'melding': notice})}"
    raise web.HTTPSeeOther(target)


async def log_page(request: web.Request) -> web.Response:
    member, csrf = _member(request)
    try:
        page = max(1, int(request.query.get("pagina", "1")))
    except ValueError:
        page = 1
    with db.sessions(request.app["database_url"])() as session, session.begin():
        entries = inbox.access_log(session, member.team_name, page)
        inbox.log(session, member.username, member.team_name, "toegangslog bekeken")
        return render("log.html", member=member, csrf=csrf, entries=entries, page=page,
                      more=len(entries) == inbox.PAGE_SIZE, notice=None)


# --- JSON API ---------------------------------------------------------------------------------

def _api_error(status: int, message: str, field: Optional[str]) -> web.Response:
    return web.json_response({"error": message, "field": field}, status=status)


def _api_member(request: web.Request):
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return auth.token_member(request.app["database_url"], token)


async def _json_body(request: web.Request):
    """(body, None) or (None, error response)."""
    if request.content_type != "application/json":
        return None, _api_error(415, "send JSON (Content-Type: application/json)", "Content-Type")
    try:
        body = json.loads(await request.text() or "{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None, _api_error(400, "the body is not valid JSON", "body")
    if not isinstance(body, dict):
        return None, _api_error(400, "the body must be a JSON object", "body")
    return body, None


def api(handler):
    async def wrapped(request: web.Request) -> web.Response:
        member = _api_member(request)
        if member is None:
            return _api_error(401, "missing or unknown token (Authorization: Bearer <token>)", "Authorization")
        return await handler(request, member)
    return wrapped


@api
async def api_list(request: web.Request, member) -> web.Response:
    status = request.query.get("status") or None
    municipality = request.query.get("municipality") or None
    with db.sessions(request.app["database_url"])() as session, session.begin():
        if status and status not in STATUSES:
            return _api_error(422, f"status must be one of {', '.join(STATUSES)}", "status")
        if municipality and municipality not in inbox.municipalities(session, member.team_name):
            return _api_error(422, "not a municipality of this team", "municipality")
        handoffs = inbox.visible(session, member.team_name, status, municipality)
        inbox.log(session, member.username, member.team_name, "api: lijst", detail=f"{len(handoffs)} aanmeldingen")
        return web.json_response({"handoffs": [inbox.as_dict(h) for h in handoffs]})


@api
async def api_detail(request: web.Request, member) -> web.Response:
    with db.sessions(request.app["database_url"])() as session, session.begin():
        handoff = inbox.get(session, member.team_name, request.match_info["id"])
        if handoff is None:
            return _api_error(404, "no such handoff for this team", "id")
        inbox.log(session, member.username, member.team_name, "api: bekeken", handoff)
        return web.json_response(inbox.as_dict(handoff, inbox.events(session, handoff)))


@api
async def api_change(request: web.Request, member) -> web.Response:
    body, problem = await _json_body(request)
    if problem is not None:  # a Response is a (possibly empty) mapping: test for None
        return problem
    what = request.match_info["what"]
    with db.sessions(request.app["database_url"])() as session, session.begin():
        handoff = inbox.get(session, member.team_name, request.match_info["id"])
        if handoff is None:
            return _api_error(404, "no such handoff for this team", "id")
        if what == "claim":
            by = body.get("by")
            if by is not None and (not isinstance(by, str) or not by.strip() or len(by) > 60):
                return _api_error(422, "by must be a name of at most 60 characters", "by")
            actor = f"{member.username} ({by.strip()})" if by else member.username
            inbox.claim(session, handoff, actor[:80])
            inbox.log(session, member.username, member.team_name, "api: opgepakt", handoff)
        elif what == "status":
            if inbox.check_status(body.get("status")):
                return _api_error(422, f"status must be one of {', '.join(STATUSES)}", "status")
            from bot.handoff import store

            store.change_status(session, handoff, body["status"], member.username)
            inbox.log(session, member.username, member.team_name, "api: status gewijzigd", handoff,
                      f"status: {STATUS_LABELS[body['status']]}")
        else:
            problem_text = inbox.check_note(body.get("text"))
            if problem_text:
                return _api_error(422, problem_text, "text")
            inbox.add_note(session, handoff, member.username, body["text"].strip())
            inbox.log(session, member.username, member.team_name, "api: notitie toegevoegd", handoff)
        return web.json_response(inbox.as_dict(handoff, inbox.events(session, handoff)))


@api
async def api_access_log(request: web.Request, member) -> web.Response:
    try:
        page = int(request.query.get("page", "1"))
    except ValueError:
        return _api_error(422, "page must be a number", "page")
    with db.sessions(request.app["database_url"])() as session, session.begin():
        entries = inbox.access_log(session, member.team_name, page)
        inbox.log(session, member.username, member.team_name, "api: toegangslog bekeken")
        return web.json_response({"page": page, "entries": [
            {"at": e.at.isoformat() + "Z", "actor": e.actor, "action": e.action, "reference": e.reference,
             "handoff_id": e.handoff_id, "detail": e.detail} for e in entries]})


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def root(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/inbox/")


def create_app(database_url: str, deliver: bool = False, deliver_interval: float = 5.0) -> web.Application:
    """The web application; with ``deliver`` it also runs the handoff delivery worker."""
    app = web.Application(middlewares=[headers], client_max_size=MAX_BODY_BYTES)
    app["database_url"] = database_url
    app.router.add_get("/", root)
    app.router.add_get("/health", health)
    app.router.add_get("/inbox/login", login_page)
    app.router.add_post("/inbox/login", login)
    app.router.add_post("/inbox/logout", logout)
    app.router.add_get("/inbox/", list_page)
    app.router.add_get("/inbox", root)
    app.router.add_get("/inbox/log", log_page)
    app.router.add_get("/inbox/handoffs/{id}", detail_page)
    app.router.add_post("/inbox/handoffs/{id}/{what:claim|status|notes}", change)
    app.router.add_static("/inbox/static/", HERE / "static")
    app.router.add_get("/api/v1/handoffs", api_list)
    app.router.add_get("/api/v1/handoffs/{id}", api_detail)
    app.router.add_post("/api/v1/handoffs/{id}/{what:claim|status|notes}", api_change)
    app.router.add_get("/api/v1/access-log", api_access_log)
    if deliver:
        async def start_worker(app: web.Application) -> None:
            app["delivery_stop"] = delivery.start_in_background(database_url, deliver_interval)

        async def stop_worker(app: web.Application) -> None:
            app["delivery_stop"].set()

        app.on_startup.append(start_worker)
        app.on_cleanup.append(stop_worker)
    return app
