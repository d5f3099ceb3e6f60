"""Handoff to the local team (domain.md §2.7) and the status question afterwards.

The handoff form's validation action asks every question itself, like the clarification form:
consent in the order the age rules need (bot/handoff/consent.py), contact details, school, then
the summary to check. "Ja, versturen" stores the handoff in one transaction (bot/handoff/store.py)
and only then confirms it with the reference number; when storing fails, nothing is claimed.
A safety signal interrupts at any step. Nothing is ever sent without every consent."""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import faq, safety
from actions.common import (CLARIFICATION_SLOTS, conversation_ref, latest_entities, latest_intent, latest_semantic,
                            latest_text, say, team_for)
from actions.triage import field_buttons, field_from, summary_text
from bot import answers, clarification, config, indicators, intake, regions, text_checks, texts
from bot.handoff import consent as consent_rules
from bot.handoff import contact as contact_rules
from bot.handoff import store, summary

logger = logging.getLogger(__name__)

HANDOFF_SLOTS = ["consent_answers", "contact_name", "contact_phone", "contact_email", "school_involved"]
CONTACT_STEPS = ["contact_name", "contact_phone", "contact_email", "school_involved"]
# What the referrer can change in the summary before sending. Age, municipality and role were
# checked in the first summary; changing them would change the consent asked, so not here.
CORRECTABLE = ["concern", "tried", "help_involved", "network", "goal", "youth_wish", "school_involved",
               "contact_name", "contact_phone", "contact_email"]
NO_PHONE = re.compile(r"^(geen|nee|niet|liever (niet|mail|e-?mail)|alleen (mail|e-?mail)|e-?mail|mail)\b")
NOT_APPLICABLE = re.compile(r"^(nvt|n\.v\.t\.?|niet van toepassing)|\b(gaat|zit|komt) (nog )?(niet|nergens) "
                            r"(naar|op) (school|de opvang|opvang)|\bgeen school\b|\bgaat nergens heen\b")
MAX_SCHOOL_CHARS = 300


def yes_no(intent: Text, confidence: float, text: Text, semantic: Optional[Dict[Text, Any]] = None) -> Optional[bool]:
    """A yes or no to a closed question, in any of its forms (bot/answers.py); None when it is
    neither or the answer is unsure ("misschien"): then the question is asked again."""
    reading = answers.yes_no(text_checks.clean(text) if not text.startswith("/") else text, intent, confidence, semantic)
    return {"yes": True, "no": False}.get(reading or "")



def all_slots(tracker: Tracker, updates: Optional[Dict[Text, Any]] = None) -> Dict[Text, Any]:
    values = {name: tracker.get_slot(name) for name in CLARIFICATION_SLOTS + HANDOFF_SLOTS}
    return {**values, **(updates or {})}


def local_team(tracker: Tracker) -> Optional[Dict[Text, Any]]:
    if tracker.get_slot("municipality_known") is False:
        return None
    return regions.local_team(tracker.get_slot("municipality"))


def eligible(tracker: Tracker) -> bool:
    """A handoff fits after a route that leads to the local team, once the summary was seen."""
    return (bool(tracker.get_slot("summary_shown")) and tracker.get_slot("route") in summary.ROUTES
            and local_team(tracker) is not None)


def next_step(slots: Dict[Text, Any]) -> Text:
    """The next thing to ask once consent is complete; "handoff_check" when all is there."""
    for step in CONTACT_STEPS:
        if slots.get(step) not in (None, ""):
            continue
        if step == "contact_email" and slots.get("contact_phone") not in (None, "", "geen"):
            continue  # a phone number is enough; e-mail only when there is no phone
        if step == "school_involved" and slots.get("referrer_role") == "school":
            continue
        return step
    return "handoff_check"


def handoff_summary(tracker: Tracker, slots: Dict[Text, Any]) -> Dict[Text, Any]:
    values = dict(slots)
    if values.get("referrer_role") == "school" and not values.get("school_involved"):
        values["school_involved"] = "self"
    return summary.build(values, tracker.get_slot("route"), tracker.get_slot("waits_shown") or [])


def ask(dispatcher: CollectingDispatcher, tracker: Tracker, step: Text, slots: Dict[Text, Any]) -> None:
    team_name, _ = team_for(tracker)
    role = slots.get("referrer_role")
    if step == "handoff_consent":
        key = consent_rules.next_question(role, slots.get("child_age"), list(slots.get("consent_answers") or []))
        say(dispatcher, tracker, f"consent_{key}", team_name=team_name)
    elif step == "handoff_check":
        say(dispatcher, tracker, "handoff_check", team_name=team_name,
            summary=handoff_summary(tracker, slots)["text"])
    elif step in CONTACT_STEPS:
        say(dispatcher, tracker, f"ask_{step}", team_name=team_name)
    else:  # an answer from the clarification, asked again to correct it
        say(dispatcher, tracker, f"ask_{step}")


def end(state: Text, **extra: Any) -> List[EventType]:
    return [SlotSet(name, value) for name, value in extra.items()] + [
        SlotSet("handoff_state", state), SlotSet("requested_slot", None), ActiveLoop(None)]


class ValidateHandoffForm(Action):
    def name(self) -> Text:
        return "validate_handoff_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        # Rasa rejects the form (and lets other rules answer) when a turn sets no slot; this form
        # handles every message itself, so each turn records what it was.
        events = await self.handle(dispatcher, tracker)
        return [SlotSet("handoff_last_input", tracker.get_slot("requested_slot") or "start")] + events

    async def handle(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        intent, confidence = latest_intent(tracker)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot")
        if tracker.active_loop.get("name") != "handoff_form":
            requested = None  # the message that started the form

        # Safety first, at every step: the route now and nothing is sent; or the calm check.
        outcome = safety.screen(dispatcher, tracker)
        if outcome and outcome[0] != safety.CLEARED:
            kind, events = outcome
            if kind == safety.ROUTE:
                return events + end("interrupted")
            if kind == safety.RESUME and requested:
                ask(dispatcher, tracker, requested, all_slots(tracker))
            return events + [SlotSet("requested_slot", requested)] if requested else events + self.start(dispatcher, tracker)
        # A check passed by with an answer to the open question: closed, and the answer read as usual.
        cleared = outcome[1] if outcome else []
        return cleared + await self.respond(dispatcher, tracker, intent, confidence, text, requested)

    async def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: Text, confidence: float,
                      text: Text, requested: Optional[Text]) -> List[EventType]:
        """The message as an answer, a stop or a side question at the step ``requested``."""
        if requested is None:
            return self.start(dispatcher, tracker)
        if intent == "stop_conversation" and text_checks.means_stop(
                text, requested in intake.FREE_TEXT_SLOTS or requested in ("contact_name", "school_involved")):
            _, contact = team_for(tracker)
            say(dispatcher, tracker, "handoff_cancelled", contact=contact)
            return end("declined")
        free_text = requested in intake.FREE_TEXT_SLOTS or requested in ("contact_name", "school_involved")
        if faq.is_side_question(intent, confidence, text, free_text):
            await faq.answer(dispatcher, tracker, intent)
            ask(dispatcher, tracker, requested, all_slots(tracker))
            return [SlotSet("requested_slot", requested)]
        if requested == "handoff_consent":
            return self.consent(dispatcher, tracker, yes_no(intent, confidence, text, latest_semantic(tracker)))
        if requested == "handoff_check":
            return self.check(dispatcher, tracker, intent, confidence, text)
        return self.answer(dispatcher, tracker, requested, text, intent, confidence)

    def start(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        _, contact = team_for(tracker)
        if not eligible(tracker):
            say(dispatcher, tracker, "handoff_not_possible", contact=contact)
            return end("not_possible")
        slots = all_slots(tracker, {"consent_answers": [], "contact_name": None, "contact_phone": None,
                                    "contact_email": None, "school_involved": None})
        if not consent_rules.questions(slots.get("referrer_role"), slots.get("child_age")):
            say(dispatcher, tracker, "consent_child_under_12")  # a child under 12 cannot consent alone
            return end("not_possible")
        ask(dispatcher, tracker, "handoff_consent", slots)
        return [SlotSet("consent_answers", []), SlotSet("contact_name", None), SlotSet("contact_phone", None),
                SlotSet("contact_email", None), SlotSet("school_involved", None), SlotSet("handoff_check", None),
                SlotSet("handoff_state", None), SlotSet("requested_slot", "handoff_consent")]

    def consent(self, dispatcher: CollectingDispatcher, tracker: Tracker, answer: Optional[bool]) -> List[EventType]:
        slots = all_slots(tracker)
        role, age = slots.get("referrer_role"), slots.get("child_age")
        answered = list(slots.get("consent_answers") or [])
        key = consent_rules.next_question(role, age, answered)
        if answer is None:
            say(dispatcher, tracker, "consent_unclear")
            ask(dispatcher, tracker, "handoff_consent", slots)
            return [SlotSet("requested_slot", "handoff_consent")]
        if not answer:
            _, contact = team_for(tracker)
            if key in ("parent_child_agrees", "parent_child_agrees_16"):
                say(dispatcher, tracker, "consent_declined_child", contact=contact)
            elif key == "youth_parents_agree":
                say(dispatcher, tracker, "consent_declined_parents", contact=contact)
            else:
                say(dispatcher, tracker, "consent_declined", contact=contact, summary=summary_text(slots))
            return end("declined", consent_answers=[])
        answered.append(key)
        slots["consent_answers"] = answered
        step = "handoff_consent" if consent_rules.next_question(role, age, answered) else next_step(slots)
        ask(dispatcher, tracker, step, slots)
        return [SlotSet("consent_answers", answered), SlotSet("handoff_consent", "ja" if step != "handoff_consent" else None),
                SlotSet("requested_slot", step)]

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, requested: Text, text: Text,
               intent: Text, confidence: float) -> List[EventType]:
        """An answer to a contact question, or to a clarification question asked again to correct it."""
        typed = "" if text.startswith("/") else text
        if requested in ("contact_name", "contact_phone", "contact_email") and contact_rules.contains_bsn(typed):
            say(dispatcher, tracker, "contact_bsn")
            ask(dispatcher, tracker, requested, all_slots(tracker))
            return [SlotSet("requested_slot", requested)]
        value, problem = self.read(requested, typed, intent, confidence, tracker)
        if value is None:
            say(dispatcher, tracker, problem)
            ask(dispatcher, tracker, requested, all_slots(tracker))
            return [SlotSet("requested_slot", requested)]
        updates = {requested: value}
        if requested == "contact_phone" and value != "geen" and tracker.get_slot("contact_email") == "geen":
            updates["contact_email"] = None
        slots = all_slots(tracker, updates)
        step = next_step(slots)
        ask(dispatcher, tracker, step, slots)
        return [SlotSet(name, value) for name, value in updates.items()] + [SlotSet("requested_slot", step)]

    @staticmethod
    def read(requested: Text, text: Text, intent: Text, confidence: float, tracker: Tracker):
        """(value, None) for a usable answer, or (None, text key of the problem)."""
        lowered = text_checks.clean(text).lower()
        if requested == "contact_name":
            name = contact_rules.clean_name(text_checks.clean(text))
            return (name, None) if name else (None, "contact_name_invalid")
        if requested == "contact_phone":
            if NO_PHONE.match(lowered) or (intent == "deny" and not re.search(r"\d", lowered)):
                return "geen", None
            phone = contact_rules.parse_phone(text)
            return (phone, None) if phone else (None, "contact_phone_invalid")
        if requested == "contact_email":
            email = contact_rules.parse_email(text)
            return (email, None) if email else (None, "contact_email_invalid")
        if requested == "school_involved":
            # The button "Gaat niet naar school of opvang" sends /inform{"school_involved":"nvt"}.
            clicked = next((entity["value"] for entity in latest_entities(tracker)
                            if entity.get("entity") == "school_involved"), None)
            if clicked in ("ja", "nee", "nvt"):
                return clicked, None
            if NOT_APPLICABLE.search(lowered):
                return "nvt", None
            answer = yes_no(intent, confidence, text, latest_semantic(tracker))
            if answer is not None and len(lowered.split()) <= 3:
                return ("ja" if answer else "nee"), None
            meaning = answers.choice("school_involved", latest_semantic(tracker), minimum=0.6)
            if meaning and len(lowered.split()) <= 12:
                return {"yes": "ja", "no": "nee", "nvt": "nvt"}[meaning], None
            cleaned, problem = text_checks.clean_answer(text)
            if problem:
                return None, "unreadable_answer"
            return cleaned[:MAX_SCHOOL_CHARS], None
        cleaned, problem = text_checks.clean_answer(text)  # a clarification answer, corrected
        if problem:
            return None, "unreadable_answer"
        return cleaned, None

    def check(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: Text, confidence: float,
              text: Text) -> List[EventType]:
        slots = all_slots(tracker)
        typed = "" if text.startswith("/") else text
        field = field_from(tracker, CORRECTABLE)
        if intent == "correct_answer" or field:
            # A correction typed in one go ("telefoon 0612345678") is applied straight away.
            phone, email = contact_rules.parse_phone(typed), contact_rules.parse_email(typed)
            if phone or email:
                updates = {"contact_phone": phone} if phone else {"contact_email": email}
                slots.update(updates)
                ask(dispatcher, tracker, "handoff_check", slots)
                return [SlotSet(name, value) for name, value in updates.items()] + [
                    SlotSet("requested_slot", "handoff_check")]
            if field:
                ask(dispatcher, tracker, field, slots)
                return [SlotSet(field, None), SlotSet("requested_slot", field)]
            filled = [field for field in CORRECTABLE if slots.get(field) not in (None, "")]
            say(dispatcher, tracker, "handoff_ask_correction", buttons=field_buttons(filled))
            return [SlotSet("requested_slot", "handoff_check")]
        answer = yes_no(intent, confidence, text, latest_semantic(tracker))
        if answer is None:
            ask(dispatcher, tracker, "handoff_check", slots)
            return [SlotSet("requested_slot", "handoff_check")]
        if not answer:
            _, contact = team_for(tracker)
            say(dispatcher, tracker, "handoff_cancelled", contact=contact)
            return end("declined")
        return self.submit(dispatcher, tracker, slots)

    def submit(self, dispatcher: CollectingDispatcher, tracker: Tracker, slots: Dict[Text, Any]) -> List[EventType]:
        team = local_team(tracker)
        team_name, contact = team_for(tracker)
        role = slots.get("referrer_role") or "unknown"
        route = tracker.get_slot("route")
        built = handoff_summary(tracker, slots)
        answered = list(slots.get("consent_answers") or [])
        safety_labels = summary.config()["safety_labels"]
        data = store.NewHandoff(
            municipality=slots["municipality"], team_name=team["name"], referrer_role=role, route=route,
            urgency=summary.urgency(slots, route), summary=built,
            contact={"name": slots.get("contact_name"),
                     "phone": None if slots.get("contact_phone") in (None, "geen") else slots["contact_phone"],
                     "email": None if slots.get("contact_email") in (None, "geen") else slots["contact_email"]},
            consent={"band": consent_rules.band(slots.get("child_age")), "given_by": consent_rules.given_by(answered),
                     "asked_as": role, "questions": answered,
                     "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")},
            safety_flags=[safety_labels.get(c, c) for c in slots.get("safety_categories") or []],
            waits_shown=list(tracker.get_slot("waits_shown") or []),
            conversation_id=tracker.sender_id, webhook_url=team.get("handoff_webhook_url"))
        try:
            _, reference = store.create(config.DATABASE_URL, data)
        except Exception as error:  # noqa: BLE001 - the user must hear it failed, and nothing is claimed
            logger.error("handoff not stored: %s", type(error).__name__)
            say(dispatcher, tracker, "handoff_failed", contact=contact)
            return end("failed")
        meanwhile = texts.render("handoff_meanwhile", role)["text"]
        say(dispatcher, tracker, "handoff_sent", team_name=team_name, reference=reference,
            days=team.get("response_days") or 5, meanwhile=meanwhile, contact_name=slots.get("contact_name") or "u")
        if role in ("gp", "school"):
            say(dispatcher, tracker, "handoff_file_copy", reference=reference, summary=built["text"])
        ref, events = conversation_ref(tracker)
        indicators.record("handoff", ref, role=role, municipality=slots["municipality"], route=route)
        return events + end("sent", handoff_reference=reference, handoff_check="ja")


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
        elif eligible(tracker):
            _, contact = team_for(tracker)
            say(dispatcher, tracker, "handoff_self", contact=contact,
                summary=summary_text(all_slots(tracker)))
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
    """"Wat is de status van mijn aanmelding ABC-1234?": the reference, a check, the status."""

    def name(self) -> Text:
        return "validate_status_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        intent, _ = latest_intent(tracker)
        text = latest_text(tracker)
        requested = tracker.get_slot("requested_slot") if tracker.active_loop.get("name") == "status_form" else None
        done = [SlotSet("handoff_state", "status"), SlotSet("requested_slot", None), ActiveLoop(None)]
        if intent == "signal_danger":
            return safety.escalate(dispatcher, tracker) + done
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
            found = store.status_for(config.DATABASE_URL, reference, text)
        except Exception as error:  # noqa: BLE001 - the database may be down: say so
            logger.error("status question failed: %s", type(error).__name__)
            say(dispatcher, tracker, "status_unavailable")
            return done
        if not found.found:
            say(dispatcher, tracker, "status_not_found")
            return done
        status_text = texts.render("status_texts", found.status)["text"]
        say(dispatcher, tracker, "status_result", reference=reference, team_name=found.team_name,
            status_text=status_text, date=found.updated_at.strftime("%d-%m-%Y"))
        # The check (a phone number or e-mail address) is not kept in a slot.
        return [SlotSet("status_check", "ok")] + done
