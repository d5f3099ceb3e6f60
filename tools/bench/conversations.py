"""The simulated conversations: ten turns each, as people type them. Dutch for the project's bot
(through the clarification to a route, with a side question or two), English small talk for the
reference moodbot. Conversation i uses script i modulo the number of scripts."""

from __future__ import annotations

from typing import List

# Each reaches a route within ten turns, so every conversation also runs the triage, the
# waiting-times call (local team and specialist routes) and the handoff offer.
WEGWIJZER: List[List[str]] = [
    [  # a parent, local team with waiting times; says no to the handoff for now
        "hallo, ik ben moeder van een jongen van 10 uit Dordrecht",
        "hij wil niet naar school en huilt elke ochtend",
        "al een half jaar",
        "heel veel, hij mist veel lessen",
        "gesprekken met de juf, dat hielp niet",
        "nee, nog geen hulp",
        "mijn zus helpt soms",
        "dat hij weer met plezier naar school gaat",
        "/affirm",
        "/deny",
    ],
    [  # a GP asking for a referral: specialist route; asks about waits afterwards
        "ik ben huisarts",
        "jongen 9, Rotterdam, vermoeden ADHD, sinds jaren onrustig",
        "fors, op school loopt het vast",
        "ouders hebben een opvoedcursus gedaan, onvoldoende",
        "geen",
        "ouders steunend, oma helpt mee",
        "verwijzing naar jeugd-ggz voor diagnostiek",
        "/affirm",
        "hoe lang is de wachttijd voor specialistische jeugd-ggz in Rotterdam?",
        "bedankt",
    ],
    [  # a school's intern begeleider, a mild and short worry: voorveld
        "Goedemorgen, ik ben intern begeleider van een basisschool",
        "groep 6, ze woont in Leiden",
        "ze is stil in de klas en huilt soms",
        "een paar weken",
        "weinig, ze doet goed mee",
        "een gesprekje met de juf",
        "geen",
        "ouders zijn betrokken",
        "dat ze zich weer fijn voelt in de klas",
        "/affirm",
    ],
    [  # a young person asking for themselves, with a side question about costs
        "hoi, ik ben 15, ik woon in Katwijk en ik wil iets vragen voor mezelf",
        "ik ben vaak somber en ik slaap slecht",
        "wat kost dat eigenlijk?",
        "sinds de zomer",
        "best veel, ik zie mijn vrienden bijna niet meer",
        "met mijn mentor gepraat, dat hielp niet echt",
        "nee",
        "mijn oma",
        "dat ik me weer beter voel",
        "/affirm",
    ],
]

# Rasa's starter project knows greet, goodbye, affirm, deny, mood_great, mood_unhappy, bot_challenge.
REFERENCE: List[List[str]] = [
    [
        "hello",
        "I am sad",
        "no",
        "hi again",
        "I am feeling great",
        "are you a bot?",
        "good morning",
        "very sad today",
        "yes",
        "bye",
    ],
    [
        "hey there",
        "not good",
        "yes",
        "good evening",
        "am I talking to a human?",
        "hi",
        "I'm feeling very good",
        "hello",
        "unhappy",
        "goodbye",
    ],
]


def script(scripts: List[List[str]], index: int, turns: int) -> List[str]:
    chosen = scripts[index % len(scripts)]
    return chosen[:turns] if turns > 0 else list(chosen)
