"""The team inbox for a local team's staff: logging in, the team's handoffs, claiming, status,
notes and the team's access log. A session cookie says who is logged in; every POST carries the
session's CSRF token; every page escapes what it shows (a handoff holds what strangers typed)."""

from __future__ import annotations

import secrets
from typing import Dict, Optional
from urllib.parse import urlencode

from aiohttp import web

from bot import db, settings, texts
from bot.handoff import auth, inbox, store
from bot.handoff.models import STATUSES
from bot.web.common import HERE, answer_errors, error_page, render

SESSION_COOKIE = "wegwijzer_inbox"
LOGIN_COOKIE = "wegwijzer_login"
# text: texts/web.yml (inbox: the notices, login_failed, the expired pages)


def secure_cookies() -> bool:
    return settings.secure_cookies()


def _notice(request: web.Request) -> Optional[str]:
    """The notice that ?melding= names (texts/web.yml: inbox.notices); None for any other value."""
    key = f"inbox.notices.{request.query.get('melding', '')}"
    return texts.web(key) if key in texts.web_keys() else None


def _member(request: web.Request):
    found = auth.session_member(request.app["database_url"], request.cookies.get(SESSION_COOKIE))
    if found is None:
        raise web.HTTPSeeOther("/inbox/login")
    return found


async def _checked_form(request: web.Request, csrf: str) -> Dict[str, str]:
    form = await request.post()
    if not auth.same_token(form.get("csrf", ""), csrf):
        raise web.HTTPForbidden(text=texts.web("inbox.action_expired"))
    return {key: str(value) for key, value in form.items()}


async def login_page(request: web.Request) -> web.Response:
    token = secrets.token_urlsafe(32)
    response = render("login.html", csrf=token, error=None, notice=_notice(request), username="")
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="Strict", path="/inbox", secure=secure_cookies(), max_age=3600
    )
    return response


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not auth.same_token(form.get("csrf", ""), cookie):
        raise web.HTTPForbidden(text=texts.web("inbox.login_expired"))
    result = auth.login(
        request.app["database_url"], str(form.get("username", "")).strip(), str(form.get("password", ""))
    )
    if result.member is None:
        # One message for an unknown name, a wrong password and a locked account: no hint which names exist.
        return render(
            "login.html",
            http_status=401,
            csrf=cookie,
            error=texts.web("inbox.login_failed", max_failed=auth.MAX_FAILED, lock_minutes=auth.LOCK_MINUTES),
            notice=None,
            username=str(form.get("username", "")),
        )
    response = web.HTTPSeeOther("/inbox/")
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        httponly=True,
        samesite="Strict",
        path="/inbox",
        secure=secure_cookies(),
        max_age=auth.SESSION_HOURS * 3600,
    )
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
        filters = ", ".join(
            f"{k}={v}"
            for k, v in (("status", status), ("gemeente", municipality), ("referentie", _loggable(reference)))
            if v
        )
        inbox.log(session, member.username, member.team_name, "lijst bekeken", detail=filters or None)
        return render(
            "list.html",
            member=member,
            csrf=csrf,
            handoffs=handoffs,
            municipalities=allowed,
            status=status,
            municipality=municipality,
            reference=reference or "",
            notice=_notice(request),
        )


def _loggable(reference: Optional[str]) -> Optional[str]:
    """A searched reference for the log; anything else typed there (a name?) is not logged."""
    if not reference:
        return None
    normalised = store.normalise_reference(reference)
    return normalised if store.find_reference(normalised) == normalised else "(geen geldig nummer)"


def _detail(
    request: web.Request,
    session,
    member,
    csrf,
    handoff,
    http_status: int = 200,
    error: Optional[str] = None,
    note: str = "",
) -> web.Response:
    return render(
        "detail.html",
        http_status=http_status,
        member=member,
        csrf=csrf,
        handoff=handoff,
        history=inbox.events(session, handoff),
        error=error,
        note=note,
        notice=_notice(request),
    )


async def detail_page(request: web.Request) -> web.Response:
    member, csrf = _member(request)
    with db.sessions(request.app["database_url"])() as session, session.begin():
        try:
            handoff = inbox.open_handoff(session, member, request.match_info["id"])
        except inbox.RefusedError as refused:
            raise web.HTTPNotFound(text=refused.message) from None
        return _detail(request, session, member, csrf, handoff)


async def change(request: web.Request) -> web.Response:
    """claim / status / notes from the detail page: back to the page with a notice, or the page
    again with the problem (and the note as typed)."""
    member, csrf = _member(request)
    form = await _checked_form(request, csrf)
    what, handoff_id = request.match_info["what"], request.match_info["id"]
    with db.sessions(request.app["database_url"])() as session, session.begin():
        try:
            if what == "claim":
                handoff, notice = inbox.claim(session, member, handoff_id), "opgepakt"
            elif what == "status":
                handoff, notice = inbox.set_status(session, member, handoff_id, form.get("status")), "status"
            else:
                handoff, notice = inbox.add_note(session, member, handoff_id, form.get("text")), "notitie"
        except inbox.RefusedError as refused:
            if refused.not_found:
                raise web.HTTPNotFound(text=refused.message) from None
            typed = form.get("text", "")[:5000] if what == "notes" else ""
            return _detail(
                request,
                session,
                member,
                csrf,
                inbox.get(session, member.team_name, handoff_id),
                400,
                refused.message,
                typed,
            )
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
        return render(
            "log.html",
            member=member,
            csrf=csrf,
            entries=entries,
            page=page,
            more=len(entries) == inbox.PAGE_SIZE,
            notice=None,
        )


async def to_inbox(request: web.Request) -> web.Response:
    raise web.HTTPSeeOther("/inbox/")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", to_inbox)
    app.router.add_get("/inbox", to_inbox)
    app.router.add_get("/inbox/login", login_page)
    app.router.add_post("/inbox/login", login)
    app.router.add_post("/inbox/logout", logout)
    app.router.add_get("/inbox/", list_page)
    app.router.add_get("/inbox/log", log_page)
    app.router.add_get("/inbox/handoffs/{id}", detail_page)
    app.router.add_post("/inbox/handoffs/{id}/{what:claim|status|notes}", change)
    app.router.add_static("/inbox/static/", HERE / "static")
    answer_errors(app, "/inbox", error_page)
