"""One message in the handoff form, decided in one place (like bot/turn.py for the clarification).

The handoff form asks every question itself: consent in the order the age rules need
(bot/handoff/consent.py), contact details, school, then the summary to check. "Ja, versturen"
asks the action to store the handoff (`Outcome.submit`); the action stores it in one transaction
(bot/handoff/store.py) with the record `new_handoff` builds, and `submitted` then confirms it with
the reference number, or says it failed: nothing is claimed that was not stored. A safety signal
interrupts at any step. Nothing is ever sent without every consent.

Following one message through `handoff_turn`:
1. safety (`bot.turn.screen`): the route ends the form and nothing is sent; the calm check waits;
2. the message that starts the form: is a handoff possible, then the first consent question;
3. a stop, or a side question (answered, then the open question again);
4. the answer to the open step: consent, a contact detail, the school, or the summary check
   (yes sends, no cancels, a correction asks that part again);
5. the next step.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bot import answers, clarification, faq, intake, regions, text_checks, texts
from bot.handoff import consent as consent_rules
from bot.handoff import contact as contact_rules
from bot.handoff import store, summary
from bot.turn import CLEARED, RESUME, ROUTE, Message, Outcome, Record, SideQuestion, screen

CONTACT_STEPS = ["contact_name", "contact_phone", "contact_email", "school_involved"]
# What the referrer can change in the summary before sending. Age, municipality and role were
# checked in the first summary; changing them would change the consent asked, so not here.
CORRECTABLE = [
    "concern",
    "tried",
    "help_involved",
    "network",
    "goal",
    "youth_wish",
    "school_involved",
    "contact_name",
    "contact_phone",
    "contact_email",
]
# Steps whose answer is free text (a stop must then be said plainly).
FREE_TEXT_STEPS = set(intake.FREE_TEXT_SLOTS) | {"contact_name", "school_involved"}
NO_PHONE = re.compile(r"^(geen|nee|niet|liever (niet|mail|e-?mail)|alleen (mail|e-?mail)|e-?mail|mail)\b")
NOT_APPLICABLE = re.compile(
    r"^(nvt|n\.v\.t\.?|niet van toepassing)|\b(gaat|zit|komt) (nog )?(niet|nergens) "
    r"(naar|op) (school|de opvang|opvang)|\bgeen school\b|\bgaat nergens heen\b"
)
MAX_SCHOOL_CHARS = 300


@dataclass
class HandoffOutcome(Outcome):
    """A handoff turn's outcome; ``submit``: store the handoff now, then call `submitted`."""

    submit: bool = False


def yes_no(message: Message) -> Optional[bool]:
    """A yes or no to a closed question, in any of its forms (bot/answers.py); None when it is
    neither or the answer is unsure ("misschien"): then the question is asked again."""
    text = message.text if message.is_button else text_checks.clean(message.text)
    reading = answers.yes_no(text, message.intent, message.confidence, message.semantic)
    return {"yes": True, "no": False}.get(reading or "")


def local_team(slots: Mapping[str, Any]) -> Optional[Dict[str, Any]]:
    if slots.get("municipality_known") is False:
        return None
    return regions.local_team(slots.get("municipality"))


def eligible(slots: Mapping[str, Any]) -> bool:
    """A handoff fits after a route that leads to the local team, once the summary was seen."""
    return bool(slots.get("summary_shown")) and slots.get("route") in summary.ROUTES and local_team(slots) is not None


def next_step(slots: Mapping[str, Any]) -> str:
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


def handoff_summary(slots: Mapping[str, Any]) -> Dict[str, Any]:
    values = dict(slots)
    if values.get("referrer_role") == "school" and not values.get("school_involved"):
        values["school_involved"] = "self"
    return summary.build(values, slots.get("route"), slots.get("waits_shown") or [])


def _ask(outcome: Outcome, step: str, slots: Mapping[str, Any]) -> Outcome:
    """Asks ``step`` and keeps it open."""
    team_name, _ = regions.team_for(slots.get("municipality"))
    if step == "handoff_consent":
        key = consent_rules.next_question(
            slots.get("referrer_role"), slots.get("child_age"), list(slots.get("consent_answers") or [])
        )
        outcome.say(f"consent_{key}", team_name=team_name)
    elif step == "handoff_check":
        outcome.say("handoff_check", team_name=team_name, summary=handoff_summary(slots)["text"])
    elif step in CONTACT_STEPS:
        outcome.say(f"ask_{step}", team_name=team_name)
    else:  # an answer from the clarification, asked again to correct it
        outcome.say(f"ask_{step}")
    outcome.updates["requested_slot"] = step
    return outcome


def _end(outcome: Outcome, state: str, **extra: Any) -> Outcome:
    outcome.updates.update(extra)
    outcome.updates.update(handoff_state=state, requested_slot=None)
    outcome.ends_form = True
    return outcome


def handoff_turn(slots: Mapping[str, Any], message: Message, form_active: bool = True) -> HandoffOutcome:
    """One message while the handoff form is active (``form_active`` False: the message that
    started it). Every turn sets handoff_last_input: Rasa rejects a form turn that sets no slot
    and lets other rules answer, and this form handles every message itself."""
    requested = slots.get("requested_slot") if form_active else None
    outcome = HandoffOutcome(updates={"handoff_last_input": requested or "start"})

    # 1. Safety first, at every step: the route now and nothing is sent; or the calm check.
    screened = screen({**slots, "requested_slot": requested}, message)
    if screened and screened[0] != CLEARED:
        kind, safety_outcome = screened
        outcome.add(safety_outcome)
        if kind == ROUTE:
            return _end(outcome, "interrupted")
        if not requested:
            return _start(outcome, slots)
        if kind == RESUME:
            return _ask(outcome, requested, slots)
        outcome.updates["requested_slot"] = requested
        return outcome
    if screened:  # the check passed by with an answer to the open question: closed, read as usual
        outcome.add(screened[1])

    # 2. The message that starts the form.
    if requested is None:
        return _start(outcome, slots)
    _, contact = regions.team_for(slots.get("municipality"))
    # 3. A stop, or a side question.
    free_text = requested in FREE_TEXT_STEPS
    if message.intent == "stop_conversation" and text_checks.means_stop(message.text, free_text):
        outcome.say("handoff_cancelled", contact=contact)
        return _end(outcome, "declined")
    if faq.is_side_question(message.intent, message.confidence, message.text, free_text):
        outcome.replies.append(SideQuestion(message.intent))
        return _ask(outcome, requested, slots)
    # 4. The answer to the open step.
    if requested == "handoff_consent":
        return _consent(outcome, slots, yes_no(message), contact)
    if requested == "handoff_check":
        return _check(outcome, slots, message, contact)
    return _answer(outcome, slots, requested, message)


def _start(outcome: HandoffOutcome, slots: Mapping[str, Any]) -> HandoffOutcome:
    _, contact = regions.team_for(slots.get("municipality"))
    if not eligible(slots):
        outcome.say("handoff_not_possible", contact=contact)
        return _end(outcome, "not_possible")
    fresh = {
        "consent_answers": [],
        "contact_name": None,
        "contact_phone": None,
        "contact_email": None,
        "school_involved": None,
    }
    if not consent_rules.questions(slots.get("referrer_role"), slots.get("child_age")):
        outcome.say("consent_child_under_12")  # a child under 12 cannot consent alone
        return _end(outcome, "not_possible")
    outcome.updates.update(fresh)
    outcome.updates.update(handoff_check=None, handoff_state=None)
    return _ask(outcome, "handoff_consent", {**slots, **fresh})


def _consent(outcome: HandoffOutcome, slots: Mapping[str, Any], answer: Optional[bool], contact: str) -> HandoffOutcome:
    role, age = slots.get("referrer_role"), slots.get("child_age")
    answered = list(slots.get("consent_answers") or [])
    key = consent_rules.next_question(role, age, answered)
    if answer is None:
        outcome.say("consent_unclear")
        return _ask(outcome, "handoff_consent", slots)
    if not answer:
        if key in ("parent_child_agrees", "parent_child_agrees_16"):
            outcome.say("consent_declined_child", contact=contact)
        elif key == "youth_parents_agree":
            outcome.say("consent_declined_parents", contact=contact)
        else:
            outcome.say("consent_declined", contact=contact, summary=clarification.summary_text(slots))
        return _end(outcome, "declined", consent_answers=[])
    answered.append(key)
    updated = {**slots, "consent_answers": answered}
    step = "handoff_consent" if consent_rules.next_question(role, age, answered) else next_step(updated)
    outcome.updates.update(consent_answers=answered, handoff_consent="ja" if step != "handoff_consent" else None)
    return _ask(outcome, step, updated)


def _answer(outcome: HandoffOutcome, slots: Mapping[str, Any], requested: str, message: Message) -> HandoffOutcome:
    """An answer to a contact question, or to a clarification question asked again to correct it."""
    typed = "" if message.is_button else message.text
    if requested in ("contact_name", "contact_phone", "contact_email") and contact_rules.contains_bsn(typed):
        outcome.say("contact_bsn")
        return _ask(outcome, requested, slots)
    value, problem = read_answer(requested, typed, message)
    if value is None:
        outcome.say(problem)
        return _ask(outcome, requested, slots)
    updates = {requested: value}
    if requested == "contact_phone" and value != "geen" and slots.get("contact_email") == "geen":
        updates["contact_email"] = None
    outcome.updates.update(updates)
    updated = {**slots, **updates}
    return _ask(outcome, next_step(updated), updated)


def read_answer(requested: str, text: str, message: Message):
    """(value, None) for a usable answer to step ``requested``, or (None, text key of the problem)."""
    lowered = text_checks.clean(text).lower()
    if requested == "contact_name":
        name = contact_rules.clean_name(text_checks.clean(text))
        return (name, None) if name else (None, "contact_name_invalid")
    if requested == "contact_phone":
        if NO_PHONE.match(lowered) or (message.intent == "deny" and not re.search(r"\d", lowered)):
            return "geen", None
        phone = contact_rules.parse_phone(text)
        return (phone, None) if phone else (None, "contact_phone_invalid")
    if requested == "contact_email":
        email = contact_rules.parse_email(text)
        return (email, None) if email else (None, "contact_email_invalid")
    if requested == "school_involved":
        # The button "Gaat niet naar school of opvang" sends /inform{"school_involved":"nvt"}.
        clicked = message.entity("school_involved")
        if clicked in ("ja", "nee", "nvt"):
            return clicked, None
        if NOT_APPLICABLE.search(lowered):
            return "nvt", None
        answer = yes_no(message)
        if answer is not None and len(lowered.split()) <= 3:
            return ("ja" if answer else "nee"), None
        meaning = answers.choice("school_involved", message.semantic, minimum=0.6)
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


def _check(outcome: HandoffOutcome, slots: Mapping[str, Any], message: Message, contact: str) -> HandoffOutcome:
    """The answer to "Klopt dit? Zal ik het versturen?"."""
    typed = "" if message.is_button else message.text
    part = clarification.field_named(message.text, message.entities, CORRECTABLE)
    if message.intent == "correct_answer" or part:
        # A correction typed in one go ("telefoon 0612345678") is applied straight away.
        phone, email = contact_rules.parse_phone(typed), contact_rules.parse_email(typed)
        if phone or email:
            updates = {"contact_phone": phone} if phone else {"contact_email": email}
            outcome.updates.update(updates)
            return _ask(outcome, "handoff_check", {**slots, **updates})
        if part:
            outcome.updates[part] = None
            return _ask(outcome, part, slots)
        filled = [name for name in CORRECTABLE if slots.get(name) not in (None, "")]
        outcome.say("handoff_ask_correction", buttons=clarification.field_buttons(filled))
        outcome.updates["requested_slot"] = "handoff_check"
        return outcome
    answer = yes_no(message)
    if answer is None:
        return _ask(outcome, "handoff_check", slots)
    if not answer:
        outcome.say("handoff_cancelled", contact=contact)
        return _end(outcome, "declined")
    outcome.submit = True
    return outcome


def new_handoff(slots: Mapping[str, Any], conversation_id: str) -> store.NewHandoff:
    """The record the local team receives (bot/handoff/store.py): the checked summary, how to
    reach the referrer, the consent given, the safety flags and the waits that were shown."""
    team = local_team(slots)
    role = slots.get("referrer_role") or "unknown"
    route = slots.get("route")
    answered = list(slots.get("consent_answers") or [])
    safety_labels = summary.config()["safety_labels"]
    return store.NewHandoff(
        municipality=slots["municipality"],
        team_name=team["name"],
        referrer_role=role,
        route=route,
        urgency=summary.urgency(slots, route),
        summary=handoff_summary(slots),
        contact={
            "name": slots.get("contact_name"),
            "phone": None if slots.get("contact_phone") in (None, "geen") else slots["contact_phone"],
            "email": None if slots.get("contact_email") in (None, "geen") else slots["contact_email"],
        },
        consent={
            "band": consent_rules.band(slots.get("child_age")),
            "given_by": consent_rules.given_by(answered),
            "asked_as": role,
            "questions": answered,
            "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        },
        safety_flags=[safety_labels.get(c, c) for c in slots.get("safety_categories") or []],
        waits_shown=list(slots.get("waits_shown") or []),
        conversation_id=conversation_id,
        webhook_url=team.get("handoff_webhook_url"),
    )


def submitted(slots: Mapping[str, Any], reference: Optional[str], summary_text: str = "") -> HandoffOutcome:
    """After storing: the confirmation with the reference number (and, for a GP practice or a
    school, the stored summary ``summary_text`` for their own file), or, when storing failed
    (``reference`` None), that it failed and how to reach the team."""
    outcome = HandoffOutcome(updates={"handoff_last_input": "handoff_check"})
    team_name, contact = regions.team_for(slots.get("municipality"))
    if reference is None:
        outcome.say("handoff_failed", contact=contact)
        return _end(outcome, "failed")
    role = slots.get("referrer_role") or "unknown"
    team = local_team(slots) or {}
    meanwhile = texts.render("handoff_meanwhile", role)["text"]
    outcome.say(
        "handoff_sent",
        team_name=team_name,
        reference=reference,
        days=team.get("response_days") or 5,
        meanwhile=meanwhile,
        contact_name=slots.get("contact_name") or "u",
    )
    if role in ("gp", "school"):
        outcome.say("handoff_file_copy", reference=reference, summary=summary_text)
    outcome.records.append(Record("handoff", route=slots.get("route"), role=role))
    return _end(outcome, "sent", handoff_reference=reference, handoff_check="ja")
