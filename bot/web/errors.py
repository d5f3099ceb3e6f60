"""The one error format of the project's HTTP APIs (team API, widget erase, waiting-times service).

Every 4xx and 5xx answer of an API is JSON of this shape, built by ``error_response`` only:

    {"error": {"status": 422,
               "message": "Kies een status: nieuw, in behandeling, ...",
               "field": "status",
               "details": [{"field": "status", "message": "Kies een status: ..."}]}}

  status   the HTTP status again, so a logged body explains itself
  message  what is wrong, in Dutch, for whoever reads the integration's log
  field    the part of the request at fault: a JSON field or query parameter by its name, a header
           (Authorization, X-API-Key, Content-Type, Origin), a path part (id, provider_id), or "body"
           for the body as a whole; null when no field is at fault (a 5xx, an unknown address)
  details  every field at fault with its own message (and "row" for a CSV row); more than one when
           a report has several wrong fields, [] when no field is at fault

A handler raises ``ApiError``; ``json_errors`` (or the web process's middleware) answers it.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable, Dict, List, Optional

from aiohttp import web

from bot import texts

# text: texts/web.yml (errors.http: aiohttp's refusals by status; api.json: the JSON body)


def error_response(
    status: int, message: str, field: Optional[str] = None, details: Optional[List[Dict[str, Any]]] = None
) -> web.Response:
    """The error answer described in this module's docstring."""
    if details is None:
        details = [{"field": field, "message": message}] if field else []
    return web.json_response(
        {"error": {"status": status, "message": message, "field": field, "details": details}}, status=status
    )


class ApiError(Exception):
    """A request an API refuses; ``field`` names what is wrong (see the module docstring)."""

    def __init__(
        self, status: int, message: str, field: Optional[str] = None, details: Optional[List[Dict[str, Any]]] = None
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.field, self.details = status, message, field, details

    @classmethod
    def for_fields(cls, status: int, details: List[Dict[str, Any]]) -> "ApiError":
        """Several fields at fault at once: the message names each, ``field`` is the first."""
        message = "; ".join(f"{detail['field']}: {detail['message']}" for detail in details)
        return cls(status, message, details[0]["field"], details)

    def response(self) -> web.Response:
        return error_response(self.status, self.message, self.field, self.details)


def from_http_exception(error: web.HTTPException) -> web.Response:
    """aiohttp's own refusals (unknown address, wrong method, body too big) in the same format."""
    key = f"errors.http.{error.status}"
    message = texts.web(key) if key in texts.web_keys() else texts.web("errors.http.other")
    return error_response(error.status, message, "body" if error.status == 413 else None)


async def read_json_object(request: web.Request) -> Dict[str, Any]:
    """The body as a JSON object (an empty body is ``{}``), or ApiError naming what is wrong."""
    if request.content_type != "application/json":
        raise ApiError(415, texts.web("api.json.content_type"), "Content-Type")
    try:
        body = json.loads(await request.text() or "{}")
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise ApiError(400, texts.web("api.json.invalid"), "body") from None
    if not isinstance(body, dict):
        raise ApiError(400, texts.web("api.json.not_object"), "body")
    return body


@web.middleware
async def json_errors(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    """For an application that is only an API: every refusal in the one format."""
    try:
        return await handler(request)
    except ApiError as error:
        return error.response()
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return from_http_exception(error)
