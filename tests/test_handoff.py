"""The handoff to the local team, step by step as the action server runs it (a Tracker and a
CollectingDispatcher per message), with a real database: consent per age band, contact checks,
correcting the summary, storing before confirming, the status question."""

import asyncio
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions import handoff as handoff_actions
from bot import db, settings
from bot.handoff import store
from bot.handoff.models import Handoff
from tests.conftest import stored_handoff

CLARIFIED = {
    "referrer_role": "parent",
    "child_age": 9,
    "municipality": "Leiden",
    "municipality_known": True,
    "concern": "hij is al maanden erg angstig en wil niet naar school",
    "duration": "lang",
    "impact": "groot",
    "tried": "praten, een dagritme",
    "help_involved": "geen",
    "network": "oma helpt vaak",
    "goal": "dat hij weer naar school gaat",
    "summary_shown": True,
    "route": "local_team",
    "safety_categories": [],
    "waits_shown": [],
    "intro_shown": True,
}


@pytest.fixture(scope="module", autouse=True)
def database():
    db.migrate(settings.DATABASE_URL)
    return settings.DATABASE_URL


class Conversation:
    """One handoff conversation: keeps the slots between messages the way Rasa's tracker does."""

    def __init__(self, **slots: Any) -> None:
        self.slots: Dict[str, Any] = {**CLARIFIED, **slots}
        self.active = False
        self.sender = f"unit-{id(self)}"

    def send(
        self,
        text: str,
        intent: str = "inform",
        confidence: float = 0.95,
        entities: Optional[List[Dict[str, Any]]] = None,
    ) -> str:
        tracker = Tracker(
            sender_id=self.sender,
            slots=dict(self.slots),
            events=[],
            paused=False,
            followup_action=None,
            latest_message={
                "text": text,
                "intent": {"name": intent, "confidence": confidence},
                "entities": entities or [],
            },
            active_loop={"name": "handoff_form"} if self.active else {},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(handoff_actions.ValidateHandoffForm().run(dispatcher, tracker, {}))
        self.active = True
        for event in events:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
            if event.get("event") == "active_loop" and event.get("name") is None:
                self.active = False
        self.buttons = [button["title"] for message in dispatcher.messages for button in message.get("buttons") or []]
        return "\n".join(message["text"] or "" for message in dispatcher.messages)

    @property
    def state(self) -> Optional[str]:
        return self.slots.get("handoff_state")


def stored(reference: str) -> Optional[Handoff]:
    return stored_handoff(settings.DATABASE_URL, reference)


def start_with_consent(chat: Conversation) -> None:
    """Yes to the handoff and to the one consent question a parent of a child under 12 gets."""
    chat.send("ja graag", "affirm")
    chat.send("ja", "affirm")


def complete_contact(chat: Conversation) -> str:
    chat.send("Sanne")
    chat.send("06-12345678")
    return chat.send("ja", "affirm")


# --- consent per age band ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, age, questions",
    [
        ("parent", 9, ["Vind je het goed dat ik dit doorstuur?"]),
        ("parent", 13, ["Vind je het goed dat ik dit doorstuur?", "Weet je kind van deze aanmelding"]),
        ("parent", 16, ["Je kind is 16 of ouder en beslist dan zelf"]),
        ("youth", 14, ["Vind je het goed dat ik dit doorstuur?", "Weten je ouders hiervan"]),
        ("youth", 17, ["Vind je het goed dat ik dit doorstuur?"]),
        ("gp", 8, ["Hebben de ouders toestemming gegeven?"]),
        ("school", 13, ["Hebben de jongere én de ouders toestemming gegeven?"]),
        ("gp", 17, ["Heeft de jongere toestemming gegeven?"]),
    ],
)
def test_consent_is_asked_of_the_people_the_age_rules_name(role, age, questions):
    chat = Conversation(referrer_role=role, child_age=age)
    reply = chat.send("ja graag", "affirm")
    for index, question in enumerate(questions):
        assert question in reply, reply
        if index == 0 and role in ("parent", "youth"):
            # The first question says what is shared, with whom and why.
            assert "Wat:" in reply and "Aan wie: Jeugd- en Gezinsteam Leiden" in reply and "Waarom:" in reply
        reply = chat.send("ja", "affirm")
    assert chat.slots["requested_slot"] == "contact_name"
    assert chat.slots["handoff_consent"] == "ja"


@pytest.mark.parametrize(
    "role, age, decline_at, expected",
    [
        ("parent", 13, 1, "vanaf 12 jaar beslist je kind mee"),
        ("youth", 14, 1, "onder de 16 beslissen je ouders mee"),
        ("parent", 9, 0, "Dan stuur ik niets door"),
        ("gp", 10, 0, "Er wordt niets doorgestuurd"),
    ],
)
def test_a_missing_consent_sends_nothing_and_gives_the_way_to_do_it_yourself(role, age, decline_at, expected):
    chat = Conversation(referrer_role=role, child_age=age)
    chat.send("ja", "affirm")
    for _ in range(decline_at):
        chat.send("ja", "affirm")
    reply = chat.send("nee, nog niet", "deny")
    assert expected in reply
    assert "071" in reply or "voorbeeld" in reply  # the team's contact details
    assert chat.state == "declined" and not chat.active
    assert chat.slots.get("handoff_reference") is None


def test_a_child_under_12_asking_alone_is_sent_to_a_trusted_adult_not_handed_off():
    chat = Conversation(referrer_role="youth", child_age=10)
    reply = chat.send("ja", "affirm")
    assert "Kindertelefoon" in reply and "0800-0432" in reply
    assert chat.state == "not_possible"


def test_an_unclear_consent_answer_asks_again():
    chat = Conversation()
    chat.send("ja", "affirm")
    reply = chat.send("misschien later", "chitchat", 0.4)
    assert "Kies ja of nee" in reply and chat.slots["requested_slot"] == "handoff_consent"


def test_no_handoff_before_the_summary_was_seen_or_without_a_local_team():
    for slots in (
        {"summary_shown": False},
        {"municipality": "Groningen", "municipality_known": False},
        {"route": "adult"},
    ):
        chat = Conversation(**slots)
        reply = chat.send("ja", "affirm")
        assert "Doorsturen kan ik hier niet" in reply and chat.state == "not_possible"


# --- contact details -----------------------------------------------------------------------------


def test_phone_numbers_are_checked_and_e_mail_is_asked_only_without_phone():
    chat = Conversation()
    chat.send("ja", "affirm")
    assert "Hoe heet je?" in chat.send("ja", "affirm")
    assert "Op welk telefoonnummer" in chat.send("Sanne")
    reply = chat.send("12345")
    assert "Dat herken ik niet als Nederlands telefoonnummer" in reply
    reply = chat.send("0800-2000")
    assert "Dat herken ik niet" in reply  # a service number cannot be called back
    reply = chat.send("geen")
    assert "Op welk e-mailadres" in reply
    reply = chat.send("sanne@")
    assert "Dat herken ik niet als e-mailadres" in reply
    reply = chat.send("Sanne.J@Voorbeeld.nl")
    assert chat.slots["contact_email"] == "sanne.j@voorbeeld.nl"
    assert "Weet de school" in reply


def test_a_bsn_is_refused_and_not_kept():
    chat = Conversation()
    start_with_consent(chat)
    chat.send("Sanne")
    reply = chat.send("mijn bsn is 111222333")
    assert "burgerservicenummer" in reply
    assert chat.slots.get("contact_phone") is None
    assert chat.slots["requested_slot"] == "contact_phone"


def test_html_in_a_name_is_stripped():
    chat = Conversation()
    start_with_consent(chat)
    chat.send("<b>Sanne</b>")
    assert chat.slots["contact_name"] == "Sanne"


# --- the summary, corrected, then sent -----------------------------------------------------------


def test_the_summary_follows_the_indication_and_can_be_corrected_before_sending():
    chat = Conversation(safety_categories=[])
    start_with_consent(chat)
    reply = complete_contact(chat)
    for section in (
        "Aanmelding:",
        "Het kind (ontwikkeling):",
        "Ouders en opvoeding:",
        "Gezin en omgeving:",
        "Beoogd resultaat:",
        "Veiligheid:",
        "Contact en toestemming:",
    ):
        assert section in reply
    assert "dat hij weer naar school gaat" in reply and "06-12345678" in reply
    assert chat.buttons == ["Ja, versturen", "Iets aanpassen", "Niet versturen"]

    reply = chat.send("/correct_answer", "correct_answer")
    assert "Wat wil je aanpassen?" in reply and "Wat anders moet" in chat.buttons
    reply = chat.send(
        '/correct_answer{"field":"goal"}', "correct_answer", entities=[{"entity": "field", "value": "goal"}]
    )
    assert chat.slots["requested_slot"] == "goal"
    reply = chat.send("dat hij minder bang is en weer naar school gaat")
    assert "Dit stuur ik naar" in reply and "dat hij minder bang is en weer naar school gaat" in reply
    reply = chat.send("telefoon 0687654321", "correct_answer")
    assert "06-87654321" in reply

    reply = chat.send("ja, versturen", "affirm")
    reference = chat.slots["handoff_reference"]
    assert reference and reference in reply and "binnen" in reply
    row = stored(reference)
    assert row.status == "nieuw" and row.contact["phone"] == "0687654321"
    assert "dat hij minder bang is" in row.summary["text"]
    assert row.consent["given_by"] == ["ouders"] and row.consent["band"] == "onder_12"
    assert chat.state == "sent"


def test_a_professional_gets_a_copy_for_their_own_file():
    chat = Conversation(referrer_role="gp")
    chat.send("ja", "affirm")
    chat.send("ja", "affirm")
    chat.send("dr. De Vries, praktijk Het Plein")
    chat.send("071-5123456")
    chat.send("ja", "affirm")
    reply = chat.send("/affirm", "affirm")
    assert "Voor uw eigen dossier (HIS)" in reply and chat.slots["handoff_reference"] in reply


def test_the_handoff_is_stored_before_the_bot_confirms_it(monkeypatch):
    seen_when_stored: List[bool] = []
    real_create = store.create

    def create_and_look(url, data, now=None):
        result = real_create(url, data, now)
        seen_when_stored.append(stored(result[1]) is not None)
        return result

    monkeypatch.setattr(store, "create", create_and_look)
    chat = Conversation()
    start_with_consent(chat)
    complete_contact(chat)
    reply = chat.send("ja", "affirm")
    assert seen_when_stored == [True] and chat.slots["handoff_reference"] in reply


def test_when_storing_fails_nothing_is_claimed(monkeypatch):
    def broken(url, data, now=None):
        raise OSError("database unavailable")

    monkeypatch.setattr(store, "create", broken)
    chat = Conversation()
    start_with_consent(chat)
    complete_contact(chat)
    reply = chat.send("ja", "affirm")
    assert "niet gelukt" in reply and "Er is niets verstuurd" in reply
    assert "referentienummer" not in reply and chat.slots.get("handoff_reference") is None
    assert chat.state == "failed"


def test_safety_interrupts_the_handoff():
    chat = Conversation()
    chat.send("ja", "affirm")
    reply = chat.send(
        "hij zegt dat hij dood wil", "signal_danger", entities=[{"entity": "safety_category", "value": "suicide"}]
    )
    assert "113" in reply and chat.state == "interrupted" and not chat.active


# --- the status question -------------------------------------------------------------------------


def status_chat(*messages):
    slots: Dict[str, Any] = {}
    active = False
    replies = []
    for text, intent in messages:
        tracker = Tracker(
            sender_id="status",
            slots=dict(slots),
            events=[],
            paused=False,
            followup_action=None,
            latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []},
            active_loop={"name": "status_form"} if active else {},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        events = asyncio.run(handoff_actions.ValidateStatusForm().run(dispatcher, tracker, {}))
        active = True
        for event in events:
            if event.get("event") == "slot":
                slots[event["name"]] = event["value"]
        replies.append("\n".join(message["text"] for message in dispatcher.messages))
    return replies


def new_handoff(phone="0612345678") -> str:
    chat = Conversation()
    start_with_consent(chat)
    chat.send("Sanne")
    chat.send(phone)
    chat.send("nee", "deny")
    chat.send("ja", "affirm")
    return chat.slots["handoff_reference"]


def test_the_status_question_gives_the_status_the_team_set():
    reference = new_handoff()
    replies = status_chat(
        (f"wat is de status van mijn aanmelding {reference.lower()}?", "ask_handoff_status"),
        ("06 12 34 56 78", "inform"),
    )
    assert "telefoonnummer of e-mailadres" in replies[0]
    assert reference in replies[1] and "ontvangen" in replies[1]
    with db.sessions(settings.DATABASE_URL)() as session, session.begin():
        row = session.execute(select(Handoff).where(Handoff.reference == reference)).scalar_one()
        store.change_status(session, row, "contact_opgenomen", "medewerker")
    replies = status_chat(
        ("hoe staat het met mijn aanmelding?", "ask_handoff_status"), (reference, "inform"), ("0612345678", "inform")
    )
    assert "Wat is het referentienummer" in replies[0]
    assert "er is contact met je opgenomen" in replies[2]


def test_a_wrong_check_reveals_nothing_and_repeated_guessing_locks_the_reference():
    reference = new_handoff(phone="0611111111")
    wrong = status_chat((f"status {reference}", "ask_handoff_status"), ("0622222222", "inform"))
    unknown = status_chat(("status ZZZ-0000", "ask_handoff_status"), ("0611111111", "inform"))
    assert wrong[1] == unknown[1] and "Ik vind geen aanmelding" in wrong[1]
    for _ in range(4):
        status_chat((f"status {reference}", "ask_handoff_status"), ("0622222222", "inform"))
    right = status_chat((f"status {reference}", "ask_handoff_status"), ("0611111111", "inform"))
    assert "Ik vind geen aanmelding" in right[1]  # locked for an hour after five wrong checks
