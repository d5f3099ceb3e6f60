"""Waiting times in the conversation: a direct question at any moment ("hoe lang is de wachttijd
voor jeugd-GGZ in Katwijk?"), and the waits that go with a local-team or specialist route.
When the service is down or slow the bot says so and the conversation goes on."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.common import latest_entities, say
from bot import intake, texts
from bot.waiting_times.client import WaitingTimesClient
from bot.waiting_times.models import KINDS

CLIENT = WaitingTimesClient()
MAX_SHOWN = 3


def _weeks(number: int) -> Text:
    return texts.render("waits_weeks", "one" if number == 1 else None, n=number)["text"]


def _line(wait: Dict[str, Any]) -> Text:
    behandel = (
        texts.render("waits_behandel", weeks=_weeks(wait["behandel_weeks"]))["text"]
        if wait.get("behandel_weeks") is not None
        else ""
    )
    notes = ""
    if wait.get("intake_stop"):
        notes += texts.render("waits_note_stop")["text"]
    if wait.get("stale"):
        notes += texts.render("waits_note_stale")["text"]
    return texts.render(
        "waits_line",
        provider=wait["provider"],
        aanmeld=_weeks(wait["aanmeld_weeks"]),
        behandel=behandel,
        peildatum=wait["peildatum"],
        source=wait["source"],
        notes=notes,
    )["text"]


async def show(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    municipality: Text,
    kind: Text,
    client: Optional[WaitingTimesClient] = None,
) -> Optional[List[Dict[str, Any]]]:
    """Shows at most a few providers' waits; returns what was shown (None: service unavailable)."""
    # rasa-sdk runs actions on one event loop: the blocking HTTP call goes to a worker thread so a
    # slow service never stalls other conversations.
    waits = await asyncio.get_running_loop().run_in_executor(None, (client or CLIENT).waits, municipality, kind)
    label = intake.kind_label(kind)
    if waits is None:
        say(dispatcher, tracker, "waits_unavailable")
        return None
    if not waits:
        say(dispatcher, tracker, "waits_none", kind=label, municipality=municipality)
        return []
    shown = waits[:MAX_SHOWN]
    lines = [texts.render("waits_intro", kind=label, municipality=municipality)["text"]] + [_line(w) for w in shown]
    dispatcher.utter_message(text="\n".join(lines))
    flags = {flag for wait in shown for flag in wait.get("flags", [])}
    if "harmful_wait" in flags:
        say(dispatcher, tracker, "waits_harmful")
    elif "over_treeknorm" in flags:
        say(dispatcher, tracker, "waits_over_norm")
    say(dispatcher, tracker, "waits_disclaimer")
    return shown


async def answer_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, client: Optional[WaitingTimesClient] = None
) -> List[EventType]:
    """A direct waiting-time question, in or outside the clarification."""
    text = (tracker.latest_message or {}).get("text") or ""
    place = intake.parse_municipality(text) if not text.startswith("/") else None
    municipality = place["name"] if place else tracker.get_slot("municipality")
    kind = next(
        (e["value"] for e in latest_entities(tracker) if e.get("entity") == "kind" and e.get("value") in KINDS), None
    ) or intake.kind_of_help(text)
    if not municipality or municipality == "onbekend":
        say(dispatcher, tracker, "waits_need_municipality")
        return []
    if not kind:
        buttons = [
            {"title": intake.kind_label(k), "payload": f'/ask_waiting_time{{"kind":"{k}"}}'}
            for k in KINDS
            if k != "crisis"
        ]
        say(dispatcher, tracker, "waits_choose_kind", buttons=buttons)
        return []
    await show(dispatcher, tracker, municipality, kind, client)
    return []


class ActionWaitingTimes(Action):
    def name(self) -> Text:
        return "action_waiting_times"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        return await answer_question(dispatcher, tracker)
