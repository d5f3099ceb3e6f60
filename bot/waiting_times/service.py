"""The waiting-times HTTP service: providers report their waits, the bot reads them.

  GET  /health
  GET  /v1/waits?municipality=Katwijk&kind=jeugd_ggz_basis   current waits, shortest first
  POST /v1/providers/{provider_id}/waits                      a provider reports (X-API-Key)
  GET  /openapi.json                                          this API, described
Errors are in the project's one API error format (bot/web/errors.py), naming the field at fault:
{"error": {"status": 422, "message": ..., "field": ..., "details": [{"field": ..., "message": ...}]}}.
"""

from __future__ import annotations

import json
from typing import Any, Dict

from aiohttp import web

from bot import texts
from bot.settings import DATABASE_URL, WAITS_STALE_DAYS
from bot.waiting_times import norms, store
from bot.waiting_times.models import KINDS
from bot.web.errors import ApiError, json_errors

STALE_AFTER_DAYS = WAITS_STALE_DAYS
MAX_BODY_BYTES = 16 * 1024


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def read_waits(request: web.Request) -> web.Response:
    municipality = request.query.get("municipality", "").strip()
    kind = request.query.get("kind", "").strip()
    errors = []
    if not municipality:
        errors.append({"field": "municipality", "message": texts.web("waits.required")})
    if kind not in KINDS:
        errors.append({"field": "kind", "message": texts.web("waits.kind", kinds=", ".join(KINDS))})
    if errors:
        raise ApiError.for_fields(400, errors)
    url = request.app["database_url"]
    waits = norms.with_flags(store.current_waits(url, municipality, kind, stale_after_days=STALE_AFTER_DAYS))
    return web.json_response(
        {"municipality": municipality, "kind": kind, "stale_after_days": STALE_AFTER_DAYS, "results": waits}
    )


async def report_waits(request: web.Request) -> web.Response:
    url = request.app["database_url"]
    provider_id = request.match_info["provider_id"]
    caller = store.provider_for_key(url, request.headers.get("X-API-Key"))
    if caller is None:
        raise ApiError(401, texts.web("waits.api_key"), "X-API-Key")
    if caller != provider_id:
        raise ApiError(403, texts.web("waits.own_provider"), "provider_id")
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        raise ApiError(413, texts.web("waits.too_big", max_kb=MAX_BODY_BYTES // 1024), "body")
    try:
        body = json.loads(await request.text())
    except ValueError:
        raise ApiError(400, texts.web("waits.invalid_json"), "body") from None
    if not isinstance(body, dict):
        raise ApiError(400, texts.web("waits.not_object"), "body")
    try:
        report = store.validate_report(body)
    except store.InvalidReport as invalid:
        raise ApiError.for_fields(422, [error.as_dict() for error in invalid.errors]) from None
    report_id = store.add_report(url, provider_id, report)
    return web.json_response({"id": report_id, "provider_id": provider_id}, status=201)


def openapi() -> Dict[str, Any]:
    error = {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message", "field", "details"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                    "details": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "row": {"type": "integer"},
                                "field": {"type": "string"},
                                "message": {"type": "string"},
                            },
                        },
                    },
                },
            }
        },
    }
    refused = {"application/json": {"schema": error}}
    report = {
        "type": "object",
        "required": ["kind", "aanmeld_weeks", "peildatum", "source"],
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS)},
            "aanmeld_weeks": {"type": "integer", "minimum": 0, "maximum": store.MAX_WEEKS},
            "behandel_weeks": {"type": ["integer", "null"], "minimum": 0, "maximum": store.MAX_WEEKS},
            "intake_stop": {"type": "boolean"},
            "peildatum": {"type": "string", "format": "date"},
            "source": {"type": "string", "maxLength": 200},
        },
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "Wegwijzer Jeugdhulp waiting-times service", "version": "1.0.0"},
        "paths": {
            "/health": {"get": {"responses": {"200": {"description": "running"}}}},
            "/v1/waits": {
                "get": {
                    "summary": "Current waits for a kind of help in a municipality, shortest expected wait first",
                    "parameters": [
                        {"name": "municipality", "in": "query", "required": True, "schema": {"type": "string"}},
                        {
                            "name": "kind",
                            "in": "query",
                            "required": True,
                            "schema": {"type": "string", "enum": list(KINDS)},
                        },
                    ],
                    "responses": {
                        "200": {"description": "results with peildatum, staleness and norm flags"},
                        "400": {"description": "a parameter is missing or wrong", "content": refused},
                    },
                }
            },
            "/v1/providers/{provider_id}/waits": {
                "post": {
                    "summary": "A provider reports its current wait for one kind of help (history is kept)",
                    "security": [{"apiKey": []}],
                    "parameters": [
                        {"name": "provider_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": report}}},
                    "responses": {
                        "201": {"description": "stored"},
                        "400": {"description": "the body is not a JSON object", "content": refused},
                        "401": {"description": "no or unknown API key", "content": refused},
                        "403": {"description": "the key belongs to another provider", "content": refused},
                        "413": {"description": "the body is too big", "content": refused},
                        "422": {"description": "a field is wrong", "content": refused},
                    },
                }
            },
        },
        "components": {"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}}},
    }


async def openapi_json(request: web.Request) -> web.Response:
    return web.json_response(openapi())


def make_app(database_url: str = DATABASE_URL) -> web.Application:
    app = web.Application(middlewares=[json_errors], client_max_size=MAX_BODY_BYTES)
    app["database_url"] = database_url
    app.add_routes(
        [
            web.get("/health", health),
            web.get("/v1/waits", read_waits),
            web.post("/v1/providers/{provider_id}/waits", report_waits),
            web.get("/openapi.json", openapi_json),
        ]
    )
    return app
