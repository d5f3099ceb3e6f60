"""The team inbox (``/inbox/``) and its JSON API (``/api/v1/``).

  GET  /inbox/login, POST /inbox/login, POST /inbox/logout
  GET  /inbox/                         handoffs of the team's municipalities (filters)
  GET  /inbox/handoffs/{id}            one handoff; POST .../claim, .../status, .../notes
  GET  /inbox/log                      the team's access log
  GET  /api/v1/handoffs[?status=&municipality=]   (Authorization: Bearer <token>)
  GET  /api/v1/handoffs/{id}; POST .../claim, .../status {"status"}, .../notes {"text"}
  GET  /api/v1/access-log[?page=]
  GET  /demo/, /professioneel/[?rol=gp|school], /privacy, /toegankelijkheid   widget pages
  GET  /widget/wegwijzer.js (+ .css, vendor/socket.io.min.js); POST /widget/api/erase
Every page escapes what it shows (a handoff holds what strangers typed); every POST from a page
carries the session's CSRF token; every view and change is written to the access log."""
from __future__ import annotations

import datetime as dt
import json
import re
import secrets
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from bot import db, knowledge, retention, settings
from bot.settings import ROOT, allowed_origins
from bot.handoff import auth, delivery, inbox, store
from bot.handoff.consent import BAND_LABELS
from bot.handoff.models import STATUS_LABELS, STATUSES

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "wegwijzer_inbox"
LOGIN_COOKIE = "wegwijzer_login"
MAX_BODY_BYTES = 64 * 1024
NOTICES = {"opgepakt": "Je hebt deze aanmelding opgepakt.", "status": "De status is opgeslagen.",
           "notitie": "De notitie is opgeslagen.", "uitgelogd": "Je bent uitgelogd."}
SOCKETIO_CLIENT = ROOT / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
LOGIN_FAILED = ("Inloggen is niet gelukt. Controleer je gebruikersnaam en wachtwoord. "
                "Na 5 foute pogingen kun je 15 minuten niet inloggen.")
NOT_FOUND = "Deze aanmelding bestaat niet, of hoort niet bij jouw team."

try:
    from zoneinfo import ZoneInfo

    LOCAL_TIME = ZoneInfo("Europe/Amsterdam")
except Exception:  # noqa: BLE001 - no time zone data: show UTC
    LOCAL_TIME = dt.timezone.utc


def _when(value: Any) -> str:
    """A database time (naive UTC) or an ISO text (consent's "at") as Dutch local time."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(LOCAL_TIME).strftime("%d-%m-%Y %H:%M")


TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined)
TEMPLATES.filters["when"] = _when
TEMPLATES.globals["status_labels"] = STATUS_LABELS
TEMPLATES.globals["statuses"] = STATUSES


def _labels() -> Dict[str, Dict[str, str]]:
    """Dutch words for the codes in a handoff (the same texts the referrer saw)."""
    handoff = knowledge.load("handoff")
    return {"route": handoff["route_labels"], "urgency": handoff["urgency_labels"], "band": BAND_LABELS,
            "people": handoff["consent_people"], "kind": knowledge.load("intake")["kind_labels"],
            "role": {role: value["label"] for role, value in knowledge.load("roles")["roles"].items()}}


TEMPLATES.globals["labels"] = _labels()


def secure_cookies() -> bool:
    return settings.secure_cookies()


def render(name: str, http_status: int = 200, **values: Any) -> web.Response:
    return web.Response(text=TEMPLATES.get_template(name).render(**values), status=http_status,
                        content_type="text/html", charset="utf-8")


def _protect(headers, path: str) -> None:
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    if not path.startswith("/inbox/static/"):
        headers["Cache-Control"] = "no-store"  # case data is never kept in a browser cache


def _error_page(error: web.HTTPException) -> web.Response:
    """A 4xx in the inbox as a page in Dutch (with a way back), not aiohttp's plain text."""
    own_text = error.content_type == "text/plain" and error.text and not error.text.startswith(f"{error.status}:")
    message = error.text if own_text else {403: "Dit mag niet.", 404: "Deze pagina bestaat niet."}.get(
        error.status, "Dit lukt niet.")
    return render("error.html", http_status=error.status, member=None, csrf="", notice=None, message=message)


@web.middleware
async def headers(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    try:
        response = await handler(request)
    except web.HTTPException as error:
        if error.status >= 400 and request.path.startswith("/inbox"):
            response = _error_page(error)
        elif not (request.path.startswith("/api/") and error.status >= 400):
            _protect(error.headers, request.path)
            raise
        else:
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
    if not auth.same_token(form.get("csrf", ""), csrf):
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
    if not auth.same_token(form.get("csrf", ""), cookie):
        raise web.HTTPForbidden(text="Deze inlogpagina is verlopen. Laad de pagina opnieuw.")
    result = auth.login(request.app["database_url"], str(form.get("username", "")).strip(),
                        str(form.get("password", "")))
    if result.member is None:
        # One message for an unknown name, a wrong password and a locked account: no hint which names exist.
        return render("login.html", http_status=401, csrf=cookie, error=LOGIN_FAILED, notice=None,
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
                                                    ("referentie", _loggable(reference))) if v)
        inbox.log(session, member.username, member.team_name, "lijst bekeken", detail=filters or None)
        return render("list.html", member=member, csrf=csrf, handoffs=handoffs, municipalities=allowed,
                      status=status, municipality=municipality, reference=reference or "",
                      notice=NOTICES.get(request.query.get("melding", "")))


def _loggable(reference: Optional[str]) -> Optional[str]:
    """A searched reference for the log; anything else typed there (a name?) is not logged."""
    if not reference:
        return None
    normalised = store.normalise_reference(reference)
    return normalised if store.find_reference(normalised) == normalised else "(geen geldig nummer)"


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
            raise web.HTTPNotFound(text=NOT_FOUND)
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
            raise web.HTTPNotFound(text=NOT_FOUND)
        if what == "claim":
            inbox.claim(session, handoff, member.username)
            inbox.log(session, member.username, member.team_name, "opgepakt", handoff)
            notice = "opgepakt"
        elif what == "status":
            problem = inbox.check_status(form.get("status"))
            if problem:
                return _detail(request, session, member, csrf, handoff, 400, problem)
            if form["status"] != handoff.status:
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
            response = _api_error(401, "missing or unknown token (Authorization: Bearer <token>)", "Authorization")
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
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
            if body["status"] != handoff.status:
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


# --- the website widget and its pages -----------------------------------------------------------

def TRACKER_URL() -> str:  # noqa: N802 - read when used, so a test can point it elsewhere
    return settings.tracker_database_url()


def _rasa_url() -> str:
    return settings.rasa_public_url()


def _widget_page(name: str, **values: Any) -> web.Response:
    """A page with the widget: it may talk to the Rasa server (socket.io), nothing else."""
    rasa = _rasa_url()
    socket = "ws" + rasa[4:] if rasa.startswith("http") else rasa
    response = render(name, rasa_url=rasa, **values)
    response.headers["Content-Security-Policy"] = (f"default-src 'self'; connect-src 'self' {rasa} {socket}; "
                                                   "frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
    return response


async def demo_page(request: web.Request) -> web.Response:
    return _widget_page("demo.html", municipality=settings.demo_municipality())


async def professional_page(request: web.Request) -> web.Response:
    role = request.query.get("rol")
    labels = {"gp": "huisartsenpraktijk", "school": "school"}
    return _widget_page("professional.html", role=role if role in labels else None, role_label=labels.get(role, ""))


async def privacy_page(request: web.Request) -> web.Response:
    return render("privacy.html", retention_days=settings.RETENTION_DAYS,
                  handoff_days=settings.HANDOFF_RETENTION_DAYS)


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


async def erase(request: web.Request) -> web.StreamResponse:
    """"Gesprek wissen": deletes the conversation from the tracker store. The session id is the
    conversation's secret (random, made by the widget), so knowing it is the proof."""
    origin = request.headers.get("Origin")
    if origin and origin not in allowed_origins() and origin != f"{request.scheme}://{request.host}":
        return _api_error(403, "this site may not use the widget", "Origin")
    body, problem = await _json_body(request)
    if problem is not None:
        return _cors(request, problem)
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not SESSION_ID.match(session_id):
        return _cors(request, _api_error(422, "session_id must be the widget's random id", "session_id"))
    try:
        erased = retention.delete_conversations(TRACKER_URL(), [session_id])
    except Exception:  # noqa: BLE001 - say it failed; the widget keeps the conversation
        return _cors(request, _api_error(503, "the conversation could not be erased now", None))
    return _cors(request, web.json_response({"erased": bool(erased)}))


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
    app.router.add_get("/demo/", demo_page)
    app.router.add_get("/professioneel/", professional_page)
    app.router.add_get("/privacy", privacy_page)
    app.router.add_get("/toegankelijkheid", accessibility_page)
    app.router.add_get("/widget/vendor/socket.io.min.js", socketio_client)
    app.router.add_post("/widget/api/erase", erase)
    app.router.add_route("OPTIONS", "/widget/api/erase", erase_preflight)
    app.router.add_static("/widget/", HERE / "static" / "widget")
    if deliver:
        async def start_worker(app: web.Application) -> None:
            app["delivery_stop"] = delivery.start_in_background(database_url, deliver_interval)

        async def stop_worker(app: web.Application) -> None:
            app["delivery_stop"].set()

        app.on_startup.append(start_worker)
        app.on_cleanup.append(stop_worker)
    return app
