"""After the clarification: the summary to check, corrections, and the matched-care route."""

from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import waiting_times
from actions.common import (
    conversation_ref,
    latest_entities,
    latest_semantic,
    latest_text,
    say,
    slot_values,
    team_for,
    user_turns,
)
from bot import clarification, indicators, regions, safety, scope, texts, triage
from bot.handoff import summary

# How the clarification form ended when there is no summary to show (actions/clarification.py).
ENDED_EARLY = {"safety", "stopped", "safety_followup"}


class ActionSummarizeClarification(Action):
    def name(self) -> Text:
        return "action_summarize_clarification"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if tracker.get_slot("last_input") in ENDED_EARLY:
            return []  # the form ended for safety or because the user stopped: no summary now
        say(dispatcher, tracker, "summary", summary=clarification.summary_text(slot_values(tracker)))
        return [SlotSet("summary_shown", True)]


class ActionAskCorrection(Action):
    def name(self) -> Text:
        return "action_ask_correction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("summary_shown"):
            return [FollowupAction("clarification_form")]  # nothing to correct yet (e.g. after a safety route)
        slots = slot_values(tracker)
        text = latest_text(tracker)
        # "de duur klopt niet, het is al een jaar", "eigenlijk heel veel last": a message that names
        # how long or how much corrects that answer only ("een jaar" is not the child's age here).
        named = (
            None
            if text.startswith("/")
            else clarification.field_named(latest_text(tracker), latest_entities(tracker), ["duration", "impact"])
        )
        turn = clarification.read_turn(slots, "" if named else text, None, latest_entities(tracker))
        if named:
            fixed = clarification.read_turn(slots, text, named, [], None, latest_semantic(tracker))
            if named in fixed.updates and fixed.updates[named] != slots.get(named):
                turn.updates[named] = fixed.updates[named]
                turn.corrected.append(named)
        if turn.corrected:
            # "nee, ze is 12": apply it straight away and show the summary again.
            events = [
                SlotSet(name, value)
                for name, value in turn.updates.items()
                if name in turn.corrected or name == "municipality_known"
            ]
            updated = {**slots, **{event["name"]: event["value"] for event in events}}
            say(dispatcher, tracker, "summary", summary=clarification.summary_text(updated))
            return events + [SlotSet("summary_shown", True)]
        filled = [slot for slot in clarification.QUESTION_ORDER if slots.get(slot) not in (None, "")]
        say(dispatcher, tracker, "ask_correction", buttons=clarification.field_buttons(filled))
        return []


class ActionApplyCorrection(Action):
    """Clears the chosen answer; the clarification form then asks that question again."""

    def name(self) -> Text:
        return "action_apply_correction"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        field = clarification.field_named(latest_text(tracker), latest_entities(tracker))
        if not field:
            filled = [slot for slot in clarification.QUESTION_ORDER if tracker.get_slot(slot) not in (None, "")]
            say(dispatcher, tracker, "ask_correction", buttons=clarification.field_buttons(filled))
            return []
        events: List[EventType] = [SlotSet(field, None), SlotSet("unreadable_count", 0)]
        if field == "municipality":
            events.append(SlotSet("municipality_known", None))
        return events


def _options_text(options: List[Dict[str, Any]]) -> Text:
    lines = []
    for option in options:
        lines.append(f"- {option['name']}: {option['description']} Kosten: {option['cost']}. {option['how']}")
    return "\n".join(lines)


class ActionTriage(Action):
    def name(self) -> Text:
        return "action_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        if not tracker.get_slot("summary_shown"):
            # Only advise on a summary the referrer has seen and confirmed; otherwise (for example
            # "ja, verder" after a safety message) go on with the questions.
            return [FollowupAction("clarification_form")]
        slots = slot_values(tracker)
        facts = triage.facts_from_slots(slots)
        route = triage.decide(facts)
        team_name, contact = team_for(tracker)
        municipality = slots.get("municipality")
        waits_shown: List[Dict[str, Any]] = []
        if route.route == "voorveld":
            options = triage.voorveld_options(facts["domains"], facts["age"], municipality)
            tip = triage.normalising_tip(facts["domains"]) if facts["role"] in ("parent", "youth", "unknown") else None
            normalising = f"{tip['text']} Tip: {tip['tip']}\n\n" if tip else ""
            say(dispatcher, tracker, "route_voorveld", normalising=normalising, options=_options_text(options))
            say(dispatcher, tracker, "offer_local_team", team_name=team_name)
        else:
            if route.route == "safety":
                # Suicidal thoughts or self-harm: 113 and the team, never "samen met Veilig Thuis".
                group = safety.route_group(tracker.get_slot("safety_categories") or [])
                key = "route_safety_suicide_prevention" if group == "suicide_prevention" else "route_safety"
                say(dispatcher, tracker, key, team_name=team_name, contact=contact)
            elif route.route == "adult":
                say(dispatcher, tracker, "route_adult", adult_text=scope.adult_text())
            elif route.route == "dyslexia_school":
                say(dispatcher, tracker, "route_dyslexia", dyslexia_text=scope.dyslexia_text(facts["age"]))
            elif route.route == "out_of_scope":
                item = scope.item_by_id(facts["out_of_scope"], municipality)
                say(dispatcher, tracker, "route_out_of_scope", alternative=item["alternative"])
            elif route.route == "national_guidance":
                # text: texts/chat.yml (route_national_unnamed when no municipality was given)
                named = municipality or texts.render("route_national_unnamed")["text"]
                say(dispatcher, tracker, "route_national", municipality=named, guidance=regions.national_guidance())
            elif route.route == "child_protection":
                say(dispatcher, tracker, "route_child_protection", team_name=team_name, contact=contact)
            elif route.route == "specialist":
                say(dispatcher, tracker, "route_specialist", team_name=team_name, contact=contact)
            else:
                say(dispatcher, tracker, "route_local_team", team_name=team_name, contact=contact)
            kind = triage.kind_of_help_for(route.route, facts["domains"])
            if kind and facts["municipality_known"]:
                shown = await waiting_times.show(dispatcher, tracker, municipality, kind) or []
                waits_shown = [
                    {
                        "provider": w["provider"],
                        "kind": kind,
                        "aanmeld_weeks": w["aanmeld_weeks"],
                        "peildatum": w["peildatum"],
                    }
                    for w in shown
                ]
            if route.route in summary.ROUTES and facts["municipality_known"] and regions.local_team(municipality):
                # The local team is the next step: offer to hand the case over (actions/handoff.py).
                say(dispatcher, tracker, "offer_handoff", team_name=team_name)
            else:
                say(dispatcher, tracker, "ask_feedback")
        ref, events = conversation_ref(tracker)
        indicators.record(
            "route",
            ref,
            role=facts["role"],
            municipality=municipality if facts["municipality_known"] else None,
            domain=(facts["domains"] or [None])[0],
            route=route.route,
            turns=user_turns(tracker),
        )
        return events + [SlotSet("route", route.route), SlotSet("waits_shown", waits_shown)]
