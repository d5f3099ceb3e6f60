"""People who type instead of clicking: for every role, every question of the clarification and
the handoff is answered in ordinary words, through the running bot over REST, up to the advice
and a confirmed handoff, without a single "Kies een knop" or "begreep ik niet". And every button
the bot shows on the way works when clicked."""

from __future__ import annotations

import re
from typing import Dict, List, Optional, Tuple

import pytest

from bot import texts
from tests.conftest import stored_handoff

# What a reply must never say to someone who answered in their own words.
NOT_UNDERSTOOD = (
    "Kies een knop",
    "begreep",
    "sla deze vraag over",
    "nog niet duidelijk",
    "Dat kan ik niet lezen",
    "herken ik niet",
)

# The typed answer per question, per role: (text key of the question, answer).
TYPED: Dict[str, List[Tuple[str, str]]] = {
    "parent": [
        ("ask_referrer_role", "ik ben de moeder"),
        ("ask_child_age", "hij is 9"),
        ("ask_municipality", "wij wonen in leiden"),
        ("ask_concern", "hij is al heel lang erg angstig en durft bijna niet meer naar school"),
        ("ask_duration", "al ruim een jaar"),
        ("ask_impact", "we worden er gek van, hij gaat bijna niet meer naar school"),
        ("ask_tried", "gesprekjes met de juf, dat hielp niet"),
        ("ask_help_involved", "nee nog niemand"),
        ("ask_network", "mijn zus helpt soms"),
        ("ask_goal", "dat hij weer naar school durft"),
    ],
    "youth": [
        ("ask_referrer_role", "hoi ik ben 15"),
        ("ask_child_age", "15"),
        ("ask_municipality", "ik woon in zoetermeer"),
        ("ask_concern", "ik ben al maanden heel onzeker en kan me op school niet concentreren"),
        ("ask_duration", "sinds de zomervakantie"),
        ("ask_impact", "best pittig eigenlijk"),
        ("ask_tried", "met mn mentor gepraat maar dat hielp nie echt"),
        ("ask_help_involved", "nee"),
        ("ask_network", "mn zus"),
        ("ask_goal", "dat ik me weer beter kan concentreren"),
    ],
    "gp": [
        ("ask_referrer_role", "huisarts hier"),
        ("ask_child_age", "14 jr"),
        ("ask_municipality", "Delft"),
        ("ask_concern", "angstklachten en sombere stemming, verzuimt veel"),
        ("ask_duration", "> 6 mnd"),
        ("ask_impact", "ernstig"),
        ("ask_tried", "POH 3 gesprekken, onvoldoende effect"),
        ("ask_help_involved", "geen"),
        ("ask_network", "moeder steunend"),
        ("ask_goal", "verwijzing jeugd-GGZ"),
        ("ask_youth_wish", "wil zelf ook hulp, is op de hoogte"),
    ],
    "school": [
        ("ask_referrer_role", "ik ben intern begeleider"),
        ("ask_child_age", "groep 6"),
        ("ask_municipality", "Leiden"),
        ("ask_concern", "leerling is erg onrustig in de klas en verzuimt veel, ouders maken zich ook zorgen"),
        ("ask_duration", "sinds de herfstvakantie"),
        ("ask_impact", "groot, mist veel lessen"),
        ("ask_tried", "gesprekken met ouders, weinig effect"),
        ("ask_help_involved", "nee"),
        ("ask_network", "opa en oma"),
        ("ask_goal", "dat hij weer rustig in de klas zit"),
    ],
}
# After the questions: the summary, the offer, consent, contact details and the check.
CLOSING = [
    ("summary", "ja dat klopt"),
    ("offer_handoff", "ja graag"),
    ("consent_", "ja dat is goed"),
    ("ask_contact_name", "Sanne de Vries"),
    ("ask_contact_phone", "06 12345678"),
    ("ask_school_involved", "ja de mentor weet ervan"),
    ("handoff_check", "ja verstuur maar"),
    ("safety_check", "nee hoor"),
]
ROLES = list(TYPED)


def _opening(key: str, role: str) -> List[str]:
    """Recognisable openings of text ``key`` (all its versions) for finding the question asked."""
    found = []
    for name, variants in texts.load("chat").items():
        if name != key and not (key.endswith("_") and name.startswith(key)):
            continue
        for variant in variants.values():
            text = variant if isinstance(variant, str) else variant["text"]
            found.append(text.split("{")[0].strip()[:30])
    return [opening for opening in found if len(opening) >= 10]


def _answer_for(reply: str, role: str) -> Optional[str]:
    # The last question in the reply decides (a reply may hold an acknowledgement and a question).
    best, position = None, -1
    for key, answer in TYPED[role] + CLOSING:
        for opening in _opening(key, role):
            index = reply.rfind(opening)
            if index > position:
                best, position = answer, index
    return best


@pytest.mark.parametrize("role", ROLES)
def test_typed_answers_reach_the_advice_and_a_confirmed_handoff(bot, role):
    sender = bot.new_sender()
    reply = bot.say(sender, "hallo")
    transcript = [("hallo", reply)]
    for _ in range(30):
        if "eferentienummer" in reply and "Gelukt" in reply or "Referentienummer:" in reply:
            break
        answer = _answer_for(reply, role)
        assert answer, f"no known question in: {reply}\n{transcript}"
        reply = bot.say(sender, answer)
        transcript.append((answer, reply))
        for phrase in NOT_UNDERSTOOD:
            assert phrase not in reply, (answer, reply)
    else:
        pytest.fail(f"no handoff after 30 turns: {transcript}")
    reference = re.search(r"([A-Z]{3}-\d{4})", reply).group(1)
    handoff = stored_handoff(bot.database_url, reference)
    assert handoff is not None and handoff.contact["phone"] == "0612345678"
    asked = " ".join(text for _, text in transcript)
    assert texts.render("skip_question")["text"] not in asked


# --- every button the bot shows works when clicked ------------------------------------------------
SEVERE = ("/affirm", '/inform{"impact":"groot"}', '/inform{"duration":"lang"}')
MILD = ("/affirm", '/inform{"impact":"weinig"}', '/inform{"duration":"kort"}')


MILD_ANSWERS = {
    "ask_concern": "hij heeft soms driftbuien als hij moet stoppen met spelen",
    "ask_tried": "nog niks eigenlijk",
    "ask_help_involved": "geen",
    "ask_goal": "wat meer rust thuis",
}


def _click_path(
    bot, role: str, preferred_payloads=SEVERE, overrides: Optional[Dict[str, str]] = None
) -> List[Tuple[List[str], List[Dict[str, str]]]]:
    """Goes through a conversation for ``role`` clicking the first fitting button (typing where
    there is none) and collects (messages so far, buttons shown) at each step."""
    sender = bot.new_sender()
    messages: List[str] = ["hallo"]
    parts = bot.send(sender, "hallo")
    seen: List[Tuple[List[str], List[Dict[str, str]]]] = []
    for _ in range(30):
        buttons = [button for part in parts for button in part.get("buttons", [])]
        text = "\n".join(part.get("text", "") for part in parts)
        if buttons:
            seen.append((list(messages), buttons))
            preferred = [
                b
                for b in buttons
                if b["payload"] in preferred_payloads or b["payload"] == f'/inform_role{{"role":"{role}"}}'
            ]
            message = (preferred or buttons)[0]["payload"]
            if "cijfer van 1" in text:
                break
        else:
            message = _answer_for(text, role)
            for key, answer in (overrides or {}).items():
                if any(opening in text for opening in _opening(key, role)):
                    message = answer
            if message is None:
                break
        messages.append(message)
        parts = bot.send(sender, message)
    return seen


def _click_all(bot, path, depth: int) -> List[Tuple[str, str, str]]:
    """Clicks every button of ``path`` in a fresh conversation each; ``depth`` 2 also clicks the
    buttons those clicks show (the parts to correct, for example)."""
    failures = []
    for prefix, buttons in path:
        for button in buttons:
            sender = bot.new_sender()
            for message in prefix:
                bot.send(sender, message)
            parts = bot.send(sender, button["payload"])
            reply = "\n".join(part.get("text", "") for part in parts)
            if not reply.strip() or any(phrase in reply for phrase in NOT_UNDERSTOOD):
                failures.append((button["title"], button["payload"], reply[:200]))
            nested = [b for part in parts for b in part.get("buttons", [])]
            if depth > 1 and nested and button["payload"] not in ("/affirm",) and "cijfer van 1" not in reply:
                failures += _click_all(bot, [(prefix + [button["payload"]], nested)], depth - 1)
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_every_button_on_the_way_works_when_clicked(bot, role):
    assert not _click_all(bot, _click_path(bot, role), depth=1)


def test_every_button_on_a_light_route_and_in_the_corrections_works_when_clicked(bot):
    path = _click_path(bot, "parent", MILD, MILD_ANSWERS)
    assert any(b["title"] == "Nee, dit is genoeg" for _, buttons in path for b in buttons)  # the lighter route
    assert not _click_all(bot, path, depth=2)


def test_a_correction_typed_at_the_summary_is_applied(bot):
    sender = bot.new_sender()
    for message in [
        "hallo",
        '/inform_role{"role":"parent"}',
        "9",
        "Leiden",
        "hij heeft vaak driftbuien",
        '/inform{"duration":"kort"}',
        '/inform{"impact":"weinig"}',
        "niks nog",
        "geen",
        "oma",
        "dat het rustiger wordt",
    ]:
        reply = bot.say(sender, message)
    assert "Klopt dit?" in reply and "9 jaar" in reply
    reply = bot.say(sender, "nee hij is 10")
    assert "10 jaar" in reply and "Klopt dit?" in reply
    reply = bot.say(sender, "de duur klopt niet, het is al een jaar")
    assert "een half jaar of langer" in reply and "10 jaar" in reply and "Klopt dit?" in reply
