"""Live conversations with the trained bot over the REST channel (Rasa server + action server on
loopback). `rasa test` does not run actions and fakes form rejection, so safety mid-form is
proven here, against the real servers."""

from __future__ import annotations

import pytest

from tests.conftest import stored_handoff

ROLE = '/inform_role{"role":"parent"}'
# One answer per clarification question, in the order the bot asks them (child of 14, so the
# young person's own wish is asked too), with a word the question always contains.
PARENT_PATH = [
    ("hallo", "Voor wie stel je de vraag"),
    (ROLE, "Hoe oud is je kind"),
    ("14", "In welke gemeente"),
    ("Leiden", "Wat maakt je ongerust"),
    ("ze is vaak somber en trekt zich terug", "Hoe lang speelt dit al"),
    ('/inform{"duration":"middel"}', "Hoeveel last"),
    ('/inform{"impact":"merkbaar"}', "al geprobeerd"),
    ("we hebben gepraat met haar mentor", "al hulp"),
    ("geen", "in je omgeving"),
    ("haar oma", "anders wordt"),
    ("dat ze weer plezier heeft", "Wat wil je kind zelf"),
    ("ze wil graag met iemand praten", "Klopt dit?"),
]
CRISES = [
    ("ze zegt dat ze niet meer wil leven", "0800-0113"),
    ("mijn man slaat haar als hij gedronken heeft", "0800-2000"),
    ("hij staat nu met een mes voor de deur", "Bel nu 112"),
    ("ik denk dat haar oom aan haar zit", "0800-2000"),
    ("ze snijdt zichzelf in haar armen", "0800-0113"),
    ("ze krijgt thuis geen eten", "0800-2000"),
]
LIGHTER_HELP = "Dit kun je als eerste proberen"


def _in_form(bot, step):
    """A new parent conversation, answered up to PARENT_PATH[step] (the question asked next)."""
    sender = bot.new_sender()
    for message, _ in PARENT_PATH[:step]:
        bot.say(sender, message)
    return sender


SAFETY_WORDS = ("Veilig Thuis", "0800-0113", "Bel nu 112", "Kindertelefoon")


@pytest.mark.parametrize("message,expected", CRISES)
def test_crisis_at_the_opening_gets_the_route_in_the_same_reply(bot, message, expected):
    _, replies = bot.conversation(message)
    assert expected in replies[0]
    assert LIGHTER_HELP not in replies[0]


@pytest.mark.parametrize("step", range(1, len(PARENT_PATH)))
def test_crisis_in_the_middle_of_every_question_gets_the_route_and_stops_the_questions(bot, step):
    sender = bot.new_sender()
    for message, expected_question in PARENT_PATH[:step]:
        assert expected_question in bot.say(sender, message)
    crisis, number = CRISES[step % len(CRISES)]
    reply = bot.say(sender, crisis)
    assert number in reply
    assert LIGHTER_HELP not in reply
    next_question = PARENT_PATH[step][1]
    assert next_question not in reply, "the form went on as if the crisis were an answer"


def test_after_a_crisis_mid_form_the_conversation_can_go_on(bot):
    sender = _in_form(bot, 4)
    assert "0800-2000" in bot.say(sender, "haar vader slaat haar")
    # The next message is answered in that context first, without a new question...
    reply = bot.say(sender, "ja, bijna elke avond")
    assert "0800-2000" in reply and "Wat maakt je ongerust" not in reply
    # ...then the questions go on where they were.
    assert "Wat maakt je ongerust" in bot.say(sender, "verder")


@pytest.mark.parametrize("follow_up", ["ja elke avond", "nee", "hij drinkt dan", "ik weet het niet"])
def test_a_young_persons_follow_up_to_a_disclosure_is_not_met_with_questions(bot, follow_up):
    sender = bot.new_sender()
    bot.say(sender, '/inform_role{"role":"youth"}')
    assert "Kindertelefoon" in bot.say(sender, "mijn stiefvader slaat me")
    reply = bot.say(sender, follow_up)
    assert "niet jouw schuld" in reply and "0800-2000" in reply
    assert "Hoe oud ben je" not in reply


def test_a_follow_up_is_read_together_with_the_message_before_it(bot):
    """A joke-like hint gets no signal of its own; "ik meen het echt" after it is read with it."""
    sender = bot.new_sender()
    first = bot.say(sender, "ik denk dat ik er binnenkort een einde aan maak haha")
    assert "0800-0113" not in first
    assert "zeker weten dat het veilig is" in bot.say(sender, "ik meen het echt, niet als grapje")  # the check


# A danger word in a joke with a condition: the screen is unsure and asks (`settled`), whatever the models read.
UNSURE = "ik sla hem als hij m'n fiets weer pakt lol"
CHECK_AGAIN = "Ik vraag het nog één keer"
ROUTE_GIVEN = "Ik ben er nog als je daarna"  # every route ends with it


@pytest.mark.parametrize(
    "answer,expected",
    [
        ("nee hoor, het was maar een grapje", "We gaan verder"),
        ("huisarts", CHECK_AGAIN),  # neither yes nor no: asked once more, not the route
        ("ja", ROUTE_GIVEN),
    ],
)
def test_the_answer_to_the_check_is_read_in_its_own_words(bot, answer, expected):
    sender = bot.new_sender()
    assert "zeker weten dat het veilig is" in bot.say(sender, UNSURE)
    reply = bot.say(sender, answer)
    assert expected in reply
    if expected != ROUTE_GIVEN:
        assert ROUTE_GIVEN not in reply


@pytest.mark.parametrize("button,expected", [("/deny", "Voor wie stel je de vraag"), ("/affirm", ROUTE_GIVEN)])
def test_both_buttons_of_the_check_asked_again_work(bot, button, expected):
    sender = bot.new_sender()
    bot.say(sender, UNSURE)
    assert CHECK_AGAIN in bot.say(sender, "tja, dat vind ik moeilijk te zeggen")
    assert expected in bot.say(sender, button)


def test_a_second_answer_that_is_neither_yes_nor_no_gets_the_route(bot):
    sender = bot.new_sender()
    bot.say(sender, UNSURE)
    bot.say(sender, "tja, dat vind ik moeilijk te zeggen")
    assert ROUTE_GIVEN in bot.say(sender, "dat weet ik eigenlijk niet")


@pytest.mark.parametrize(
    "question_step,answer,not_asked_next",
    [
        (1, "dat weet ik eigenlijk niet", "Hoe oud"),  # no role read into it: the role is asked again
        (5, "de huisarts", "Hoeveel last"),  # no duration read into a place or a person
    ],
)
def test_an_answer_to_something_else_is_not_stored_as_this_answer(bot, question_step, answer, not_asked_next):
    sender = _in_form(bot, question_step)
    reply = bot.say(sender, answer)
    assert not_asked_next not in reply
    assert PARENT_PATH[question_step - 1][1] in reply  # the same question again, explained


def test_an_ordinary_follow_up_to_an_ordinary_message_gets_no_safety_line(bot):
    sender = bot.new_sender()
    bot.say(sender, "hij heeft vaak driftbuien en luistert slecht")
    assert not any(word in bot.say(sender, "ja echt, elke dag") for word in SAFETY_WORDS)


@pytest.mark.parametrize(
    "harmless",
    [
        "hij sloeg de bal door de ruit en ik schrok me dood",
        "ze is altijd doodmoe na school",
        "hij speelt de hele dag schietspelletjes en slaat zijn huiswerk over",
    ],
)
def test_harmless_look_alikes_mid_form_are_taken_as_answers(bot, harmless):
    sender = _in_form(bot, 4)
    reply = bot.say(sender, harmless)
    assert not any(word in reply for word in SAFETY_WORDS)
    assert "Hoe lang speelt dit al" in reply


def test_a_professional_gives_everything_at_once_and_is_asked_only_what_is_missing(bot):
    sender = bot.new_sender()
    bot.say(sender, "ik ben huisarts")
    reply = bot.say(sender, "meisje 15, Katwijk, somber sinds maanden, POH-gesprekken niet voldoende")
    assert "Impact op het dagelijks functioneren" in reply  # age, place, concern, duration, tried: known
    for question in ("Leeftijd van het kind", "Woongemeente", "hulpvraag", "Duur van de klachten"):
        assert question not in reply


def test_a_side_question_is_answered_and_the_open_question_comes_back(bot):
    sender = _in_form(bot, 3)
    reply = bot.say(sender, "wat kost jeugdhulp eigenlijk?")
    assert "kost jou niets" in reply
    assert "In welke gemeente" in reply
    assert "Wat maakt je ongerust" in bot.say(sender, "Leiden")


def test_a_waiting_time_question_mid_form_is_answered_and_the_question_comes_back(bot):
    sender = _in_form(bot, 4)
    reply = bot.say(sender, "hoe lang is de wachttijd voor jeugd-GGZ in Katwijk?")
    assert "Wachttijden voor jeugd-GGZ (basis) in Katwijk" in reply and "Peildatum" in reply
    assert "geen plek of voorrang" in reply and "Wat maakt je ongerust" in reply


def test_an_earlier_answer_can_be_corrected_mid_form(bot):
    sender = _in_form(bot, 4)
    reply = bot.say(sender, "nee wacht, ze is 12")
    assert "aangepast" in reply and "12 jaar" in reply
    assert "Wat maakt je ongerust" in reply


def test_the_summary_can_be_corrected_before_the_advice(bot):
    sender = bot.new_sender()
    for message, _ in PARENT_PATH:
        reply = bot.say(sender, message)
    assert "Leeftijd: 14 jaar" in reply
    assert "Wat wil je aanpassen" in bot.say(sender, "/correct_answer")
    assert "Hoe oud is je kind" in bot.say(sender, '/correct_answer{"field":"child_age"}')
    summary = bot.say(sender, "13")
    assert "Leeftijd: 13 jaar" in summary and "Gemeente: Leiden" in summary


@pytest.mark.parametrize(
    "bad,explanation",
    [
        ("asdfgh qwrtzx", "Dat kan ik niet lezen"),
        ("I am worried about my son, can you help me please?", "only works in Dutch"),
        ("🙂🙂🙂", "Ik zie geen woorden"),
        ("x" * 2500, "Je bericht is erg lang"),
    ],
    ids=["gibberish", "english", "emoji", "very-long"],
)
def test_bad_input_gets_a_clear_message_and_loses_nothing(bot, bad, explanation):
    sender = _in_form(bot, 4)
    reply = bot.say(sender, bad)
    assert explanation in reply
    assert "Wat maakt je ongerust" in reply
    bot.say(sender, "ze is vaak somber")
    for message, _ in PARENT_PATH[5:]:
        reply = bot.say(sender, message)
    assert "Leeftijd: 14 jaar" in reply and "Gemeente: Leiden" in reply


def test_html_in_an_answer_is_kept_as_plain_text(bot):
    sender = _in_form(bot, 4)
    bot.say(sender, "<b>ze</b> is vaak <script>alert(1)</script> somber")
    for message, _ in PARENT_PATH[5:]:
        reply = bot.say(sender, message)
    assert "Zorg: ze is vaak alert(1) somber" in reply
    assert "<script>" not in reply


def test_stopping_mid_form(bot):
    sender = _in_form(bot, 3)
    assert "we stoppen hier" in bot.say(sender, "ik wil stoppen")


def test_not_understood_twice_offers_a_person(bot):
    sender = bot.new_sender()
    first = bot.say(sender, "qqq zzz")
    second = bot.say(sender, "xkcd vvv")
    assert "andere manier" in first or "niet lezen" in first
    assert "Iemand spreken" in second or "met iemand praten" in second


def _complete(bot, *messages):
    sender = bot.new_sender()
    reply = ""
    for message in messages:
        reply = bot.say(sender, message)
    return sender, reply


def test_route_voorveld_for_a_mild_short_worry_with_an_offer_of_the_local_team(bot):
    _, reply = _complete(
        bot,
        "hallo",
        ROLE,
        "7",
        "Leiden",
        "hij heeft veel driftbuien sinds kort",
        '/inform{"impact":"weinig"}',
        "nog niks",
        "geen",
        "oma helpt",
        "dat het rustiger wordt",
        "/affirm",
    )
    assert LIGHTER_HELP in reply and "Opvoedspreekuur" in reply
    assert "Wil je toch liever contact met Jeugd- en Gezinsteam Leiden" in reply


def test_route_local_team_for_a_long_worry_with_high_impact(bot):
    _, reply = _complete(
        bot,
        "hallo",
        ROLE,
        "10",
        "Dordrecht",
        "hij wil al maanden niet naar school en huilt elke ochtend",
        '/inform{"duration":"lang"}',
        '/inform{"impact":"groot"}',
        "gesprekken met de juf, hielp niet",
        "geen",
        "weinig",
        "dat hij weer naar school gaat",
        "/affirm",
    )
    assert "Dit past bij een gesprek met Jeugdteam Dordrecht" in reply
    assert LIGHTER_HELP not in reply


def test_route_specialist_when_a_gp_asks_for_a_referral(bot):
    _, reply = _complete(
        bot,
        "ik ben huisarts",
        "jongen 9, Rotterdam, vermoeden ADHD, sinds jaren onrustig",
        '/inform{"impact":"groot"}',
        "geen",
        "geen",
        "ouders steunend",
        "verwijzing naar jeugd-ggz voor diagnostiek",
        "/affirm",
    )
    assert "Specialistische hulp lijkt passend" in reply and "direct verwijzen" in reply


def test_route_out_of_scope_for_paardentherapie(bot):
    _, reply = _complete(bot, "hallo", ROLE, "8", "Katwijk", "ik zoek paardentherapie voor mijn zoon", "/affirm")
    assert "niet betaald als jeugdhulp" in reply


def test_route_adult_from_18(bot):
    _, reply = _complete(bot, "hallo", ROLE, "19", "Leiden", "/affirm")
    assert "Vanaf 18 jaar geldt de Jeugdwet niet meer" in reply and "Wmo" in reply


def test_route_dyslexia_goes_via_the_school(bot):
    _, reply = _complete(
        bot, "hallo", ROLE, "8", "Hilversum", "we denken aan dyslexie, hij leest heel moeizaam", "/affirm"
    )
    assert "via de school" in reply


def test_route_unknown_municipality_gets_national_guidance(bot):
    _, reply = _complete(bot, "hallo", ROLE, "8", "Utrecht", "hij is erg druk en luistert niet", "/affirm")
    assert "Utrecht hoort niet bij de regio's die ik ken" in reply and "opvoeden.nl" in reply


@pytest.mark.parametrize(
    "role,question",
    [
        ('/inform_role{"role":"gp"}', "Leeftijd van het kind?"),
        ('/inform_role{"role":"school"}', "Hoe oud is de leerling?"),
        ('/inform_role{"role":"parent"}', "Hoe oud is je kind?"),
        ('/inform_role{"role":"youth"}', "Hoe oud ben je?"),
    ],
)
def test_each_role_gets_its_own_questions(bot, role, question):
    _, replies = bot.conversation("hallo", role)
    assert question in replies[1]


# --- handoff to the local team (actions/handoff.py) --------------------------------------------

GP_TO_HANDOFF = [
    ("ik ben huisarts", "Leeftijd van het kind?"),
    ("jongen 9, Leiden, al een half jaar angstig en wil niet meer naar school", "Impact op het dagelijks"),
    ('/inform{"impact":"groot"}', "al geprobeerd"),
    ("gesprekken met de POH, helpt onvoldoende", "Welke hulp is al betrokken"),
    ("geen", "Steunend netwerk"),
    ("oma woont dichtbij en helpt", "Beoogd resultaat"),
    ("<script>alert(1)</script> weer naar school", "Klopt dit?"),
    ("/affirm", "doorsturen naar Jeugd- en Gezinsteam Leiden"),
    ("/affirm", "Hebben de ouders toestemming gegeven?"),
    ("ja", "Naam van de contactpersoon"),
    ("dr. De Vries, huisartsenpraktijk Het Plein", "Telefoonnummer"),
    ("071-512345", "Dat herken ik niet als Nederlands telefoonnummer"),
    ("071-5123456", "Weet de school"),
    ("ja, de mentor weet het", "Dit stuur ik naar Jeugd- en Gezinsteam Leiden"),
]


def test_a_gp_goes_from_the_first_message_to_a_confirmed_handoff_and_can_ask_its_status(bot):
    import re

    sender = bot.new_sender()
    for message, expected in GP_TO_HANDOFF:
        reply = bot.say(sender, message)
        assert expected in reply, (message, reply)
    assert "Ouders en opvoeding:" in reply and "06-" not in reply and "0715123456" in reply
    reply = bot.say(sender, "/affirm")
    reference = re.search(r"Referentienummer: ([A-Z]{3}-\d{4})", reply).group(1)
    assert "binnen 3 werkdagen" in reply and "Voor uw eigen dossier (HIS)" in reply  # Leiden: response_days 3
    handoff = stored_handoff(bot.database_url, reference)
    assert handoff is not None and handoff.municipality == "Leiden" and handoff.status == "nieuw"
    assert handoff.contact["phone"] == "0715123456" and handoff.consent["given_by"] == ["ouders"]
    assert "weer naar school" in handoff.summary["text"] and "<script>" not in handoff.summary["text"]
    assert "cijfer van 1" in reply  # the experience question closes the conversation

    other = bot.new_sender()
    assert "telefoonnummer of e-mailadres" in bot.say(other, f"wat is de status van mijn aanmelding {reference}?")
    assert "ontvangen" in bot.say(other, "071 512 34 56")


def test_a_parent_of_a_teenager_who_has_not_asked_the_child_sends_nothing(bot):
    sender, reply = _complete(
        bot,
        "hallo",
        ROLE,
        "14",
        "Katwijk",
        "ze is al maanden erg somber en gaat niet meer naar school",
        '/inform{"duration":"lang"}',
        '/inform{"impact":"groot"}',
        "praten",
        "geen",
        "haar tante",
        "dat ze weer plezier heeft",
        "ze wil met iemand praten",
        "/affirm",
    )
    assert "Zal ik je vraag met een samenvatting doorsturen" in reply
    assert "Vind je het goed dat ik dit doorstuur?" in bot.say(sender, "/affirm")
    assert "Weet je kind van deze aanmelding" in bot.say(sender, "ja")
    reply = bot.say(sender, "nee, dat weet ik niet")
    assert "Dan stuur ik het nog niet door" in reply and "referentienummer" not in reply
