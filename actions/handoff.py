"""Handoff to the local team and the status question afterwards. What a message in the handoff
form does is decided in bot/handoff/turn.py; this action translates the tracker in and the outcome
out, and stores the handoff when the turn asks for it (bot/handoff/store.py): only a stored
handoff is confirmed with its reference number."""

from __future__ import annotations

import logging
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import safety
from actions.common import carry_out, conversation_ref, latest_intent, latest_text, message, say, team_for
from bot import clarification, indicators, settings, texts
from bot.handoff import store
from bot.handoff.turn import eligible, handoff_turn, new_handoff, submitted

logger = logging.getLogger(__name__)


class ValidateHandoffForm(Action):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        slots = tracker.current_slot_values()
        outcome = handoff_turn(slots, message(tracker), form_active=tracker.active_loop.get("name") == "handoff_form")
        events = await carry_out(dispatcher, tracker, outcome)
        if not outcome.submit:
            return events
        record = new_handoff({**slots, **outcome.updates}, tracker.sender_id)
        try:
            _, reference = store.create(settings.DATABASE_URL, record)
        except Exception as error:  # noqa: BLE001 - the user must hear it failed, and nothing is claimed
            logger.error("handoff not stored: %s", type(error).__name__)
            reference = None
        return events + await carry_out(dispatcher, tracker, submitted(slots, reference, record.summary["text"]))


class ActionHandoffDeclined(Action):
    """No after the route: the lighter option is enough, or the referrer contacts the team themselves."""

    def name(self) -> Text:
        return "action_handoff_declined"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        events: List[EventType] = []
        if tracker.get_slot("route") == "voorveld":
            ref, events = conversation_ref(tracker)
            indicators.record("lighter_accepted", ref, role=tracker.get_slot("referrer_role"), route="voorveld")
        elif tracker.get_slot("route") == "safety":
            # After a safety signal: the lines again, never "Prima." and a rating question.
            _, contact = team_for(tracker)
            say(dispatcher, tracker, "handoff_self_safety", contact=contact, lines=safety.lines_for(tracker))
            return events
        elif eligible(tracker.current_slot_values()):
            _, contact = team_for(tracker)
            say(
                dispatcher,
                tracker,
                "handoff_self",
                contact=contact,
                summary=clarification.summary_text(tracker.current_slot_values()),
            )
        say(dispatcher, tracker, "ask_feedback")
        return events


class ActionHandoffClosing(Action):
    """After the handoff form: the experience question (not after a safety interruption)."""

    def name(self) -> Text:
        return "action_handoff_closing"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("handoff_state") in ("sent", "declined", "failed", "not_possible"):
            say(dispatcher, tracker, "ask_feedback")
        return []


# --- the status question ----------------------------------------------------------------------


class ValidateStatusForm(Action):
    """ "Wat is de status van mijn aanmelding ABC-1234?": the reference, a check, the status."""

    def name(self) -> Text:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == "status_form" else None
        done = [SlotSet("handoff_state", "status"), SlotSet("requested_slot", None), ActiveLoop(None)]
        if intent == "signal_danger":
            return await safety.escalate(dispatcher, tracker) + done
        if requested and intent == "stop_conversation":
            say(dispatcher, tracker, "stopped")
            return done
        if requested in (None, "status_reference"):
            reference = store.find_reference(text)
            if reference:
                say(dispatcher, tracker, "status_ask_check")
                return [SlotSet("status_reference", reference), SlotSet("requested_slot", "status_check")]
            say(dispatcher, tracker, "status_reference_invalid" if requested else "status_ask_reference")
            return [SlotSet("status_reference", None), SlotSet("requested_slot", "status_reference")]
        reference = tracker.get_slot("status_reference")
        try:
            found = store.status_for(settings.DATABASE_URL, reference, text)
        except Exception as error:  # noqa: BLE001 - the database may be down: say so
            logger.error("status question failed: %s", type(error).__name__)
            say(dispatcher, tracker, "status_unavailable")
            return done
        if not found.found:
            say(dispatcher, tracker, "status_not_found")
            return done
        status_text = texts.render("status_texts", found.status)["text"]
        say(
            dispatcher,
            tracker,
            "status_result",
            reference=reference,
            team_name=found.team_name,
            status_text=status_text,
            date=found.updated_at.strftime("%d-%m-%Y"),
        )
        # The check (a phone number or e-mail address) is not kept in a slot.
        return [SlotSet("status_check", "ok")] + done
