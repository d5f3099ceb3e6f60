"""Which earlier message a follow-up is read together with (bot/nlu/semantic_reader.py): the
user's previous message when it leaned towards danger without a signal, also when the fallback
reverted it; never after a route or the check (the actions read those follow-ups), never a button."""

from __future__ import annotations

from typing import List, Optional

import pytest
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.nlu.semantic_reader import SemanticReader

pytestmark = pytest.mark.unit

HINT = "ik denk dat ik er binnenkort een einde aan maak haha"


def _said(text: str, danger: float, cleared: bool = False, level: Optional[str] = None) -> UserUttered:
    screen = {"semantic_danger": danger, "matcher_cleared": cleared, "level": level}
    return UserUttered(text, {"name": "nlu_fallback", "confidence": 1.0}, [], {"safety_screen": screen})


def _earlier(events: List[Event]) -> Optional[str]:
    reader = SemanticReader(SemanticReader.get_default_config(), None, None)  # type: ignore[arg-type]
    return reader._near_message(DialogueStateTracker.from_events("unit", events))


def test_a_message_that_leaned_towards_danger_is_read_with_the_next_one():
    assert _earlier([_said(HINT, 0.55)]) == HINT


def test_danger_words_found_harmless_count_as_leaning_too():
    assert _earlier([_said("ik sla hem als hij mn fiets pakt", 0.1, cleared=True)]) is not None


def test_a_message_the_fallback_reverted_still_counts():
    events: List[Event] = [
        _said(HINT, 0.55),
        ActionExecuted("action_default_fallback"),
        BotUttered("Dat begreep ik niet helemaal."),
        UserUtteranceReverted(),
    ]
    assert _earlier(events) == HINT


@pytest.mark.parametrize(
    "event",
    [
        _said("hij heeft vaak driftbuien", 0.05),  # nowhere near danger
        _said(HINT, 0.8, level="route"),  # a route or the check: the actions read the follow-up
        _said(HINT, 0.6, level="check"),
        _said('/inform{"impact":"groot"}', 0.6),  # a button is not something someone wrote
    ],
)
def test_no_earlier_message_otherwise(event: UserUttered):
    assert _earlier([event]) is None


def test_not_while_a_check_or_a_route_is_open():
    reader = SemanticReader(SemanticReader.get_default_config(), None, None)  # type: ignore[arg-type]
    for slot in ("safety_check", "safety_pending"):
        tracker = DialogueStateTracker.from_events(
            "unit", [_said(HINT, 0.55), SlotSet(slot, True)], slots=[AnySlot(slot, mappings=[])]
        )
        assert reader._near_message(tracker) is None


def test_not_across_a_new_session():
    assert _earlier([_said(HINT, 0.55), SessionStarted()]) is None


def test_nothing_before_the_first_message():
    assert _earlier([]) is None
