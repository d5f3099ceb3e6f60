"""What every audience of the web process shares: templates and ``render``, the body limit, the
security headers on every answer, and how an error is answered (an HTML page or the API format)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, MutableMapping, Tuple

import jinja2
from aiohttp import web

from bot import knowledge, texts
from bot.handoff.consent import BAND_LABELS
from bot.handoff.models import STATUS_LABELS, STATUSES
from bot.web.errors import ApiError, from_http_exception

HERE = Path(__file__).resolve().parent
MAX_BODY_BYTES = 64 * 1024
CSP = "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
ErrorAnswer = Callable[[web.HTTPException], web.Response]
ERROR_ANSWERS = web.AppKey("error_answers", List[Tuple[str, ErrorAnswer]])  # see answer_errors

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


TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
)
TEMPLATES.filters["when"] = _when
TEMPLATES.globals["status_labels"] = STATUS_LABELS
TEMPLATES.globals["statuses"] = STATUSES


def _labels() -> Dict[str, Dict[str, str]]:
    """Dutch words for the codes in a handoff (the same texts the referrer saw)."""
    handoff = texts.summary()  # text: texts/summary.yml
    return {
        "route": handoff["route_labels"],
        "urgency": handoff["urgency_labels"],
        "band": BAND_LABELS,
        "people": handoff["consent_people"],
        "kind": knowledge.load("intake")["kind_labels"],
        "role": {role: value["label"] for role, value in knowledge.load("roles")["roles"].items()},
    }


TEMPLATES.globals["labels"] = _labels()


def render(name: str, http_status: int = 200, **values: Any) -> web.Response:
    return web.Response(
        text=TEMPLATES.get_template(name).render(**values),
        status=http_status,
        content_type="text/html",
        charset="utf-8",
    )


def protect(headers: MutableMapping[str, str], path: str) -> None:
    """The security headers of every answer; a page may set its own Content-Security-Policy first."""
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    if not path.startswith("/inbox/static/"):
        headers["Cache-Control"] = "no-store"  # case data is never kept in a browser cache


def error_page(error: web.HTTPException) -> web.Response:
    """A 4xx as a page in Dutch (with a way back to the inbox), not aiohttp's plain text."""
    own_text = error.content_type == "text/plain" and error.text and not error.text.startswith(f"{error.status}:")
    key = f"errors.page.{error.status}"  # text: texts/web.yml
    if own_text:
        message = error.text
    else:
        message = texts.web(key) if key in texts.web_keys() else texts.web("errors.page.other")
    return render("error.html", http_status=error.status, member=None, csrf="", notice=None, message=message)


def answer_errors(app: web.Application, prefix: str, answer: ErrorAnswer) -> None:
    """Under ``prefix``, a refusal (status 400 or more) is answered by ``answer``; elsewhere it
    stays aiohttp's own answer (with the security headers)."""
    app.setdefault(ERROR_ANSWERS, []).append((prefix, answer))


def json_api(app: web.Application, prefix: str) -> None:
    """Under ``prefix`` every refusal is JSON in the one API error format (bot/web/errors.py)."""
    answer_errors(app, prefix, from_http_exception)


@web.middleware
async def security(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except ApiError as error:
        response = error.response()
    except web.HTTPException as error:
        answer = next(
            (answer for prefix, answer in request.app.get(ERROR_ANSWERS, []) if request.path.startswith(prefix)), None
        )
        if error.status < 400 or answer is None:
            protect(error.headers, request.path)
            raise
        response = answer(error)
    protect(response.headers, request.path)
    return response
