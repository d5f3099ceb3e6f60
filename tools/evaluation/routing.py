"""Routing agreement: every vignette in tests/data/vignettes.yml as a real conversation with the running
bot over the REST channel, its questions answered from the vignette, the route read back from the
conversation's slots (`route` from action_triage; a safety escalation sets `safety_categories`)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests
import yaml

ROOT = Path(__file__).resolve().parents[2]
VIGNETTES = ROOT / "tests" / "data" / "vignettes.yml"
ROUTES = [
    "voorveld",
    "local_team",
    "specialist",
    "safety",
    "child_protection",
    "out_of_scope",
    "adult",
    "dyslexia_school",
    "national_guidance",
]
VOICES = ["gp", "school", "parent", "youth"]
CONFIRM = "/affirm"  # the summary's "Ja, dat klopt" button
MAX_TURNS = 30
# Routes that name the municipality's local team: the team must be the right one too.
TEAM_ROUTES = {"voorveld", "local_team", "specialist", "child_protection"}
# The facts that explain a route (bot/triage.py, facts_from_slots), shown with each disagreement.
FACTS = (
    "role",
    "age",
    "municipality",
    "municipality_known",
    "domains",
    "duration",
    "impact",
    "tried_outcome",
    "severe_signs",
    "asks_specialist",
    "dyslexia",
    "out_of_scope",
    "child_protection",
)


@dataclass
class Outcome:
    id: str
    voice: str
    expected: str
    rationale: str
    got: str = "none"
    turns: int = 0
    safety_turn: Optional[int] = None
    safety_message: Optional[str] = None
    safety_categories: List[str] = field(default_factory=list)
    rule: Optional[str] = None
    facts: Dict[str, Any] = field(default_factory=dict)
    municipality: Optional[str] = None
    expected_team: Optional[str] = None
    asked_again: Dict[str, int] = field(default_factory=dict)
    problems: List[str] = field(default_factory=list)
    transcript: List[Dict[str, str]] = field(default_factory=list)

    @property
    def agreed(self) -> bool:
        return self.got == self.expected

    @property
    def wrong_team(self) -> bool:
        return (
            self.agreed
            and self.expected in TEAM_ROUTES
            and self.expected_team is not None
            and self.municipality != self.expected_team
        )

    def reason(self) -> str:
        """Why the route differs from the expected one, in one line."""
        if self.got == "safety":
            return (
                f"the safety screen fired ({', '.join(self.safety_categories)}) at turn {self.safety_turn} on "
                f'"{self.safety_message}"'
            )
        extra = f"; asked again: {self.asked_again}" if self.asked_again else ""
        extra += f"; {'; '.join(self.problems)}" if self.problems else ""
        if self.expected == "safety":
            return (
                f'no safety escalation in {self.turns} turns; the signal "{self.facts.get("signal", "")}" passed '
                f"and the triage gave {self.got} (rule {self.rule}){extra}"
            )
        shown = ", ".join(f"{name}={self.facts[name]}" for name in FACTS if name in self.facts)
        return f"rule {self.rule} on what the bot read: {shown}{extra}"


def load_vignettes(path: Path = VIGNETTES) -> List[Dict[str, Any]]:
    """The vignettes, checked for the fields the runner needs."""
    vignettes = yaml.safe_load(path.read_text(encoding="utf-8"))["vignettes"]
    seen = set()
    for vignette in vignettes:
        name = vignette.get("id")
        missing = [
            key for key in ("id", "voice", "expected", "rationale", "messages", "answers") if not vignette.get(key)
        ]
        if missing:
            raise ValueError(f"vignette {name}: missing {', '.join(missing)}")
        if vignette["expected"] not in ROUTES or vignette["voice"] not in VOICES or name in seen:
            raise ValueError(f"vignette {name}: unknown route or voice, or a duplicate id")
        if vignette["expected"] == "safety" and not vignette.get("signal"):
            raise ValueError(f"vignette {name}: a safety vignette names its signal")
        seen.add(name)
    return vignettes


class Conversation:
    """One conversation with the running bot: REST channel to talk, the HTTP API to read its slots."""

    def __init__(self, url: str, token: str, vignette_id: str) -> None:
        self.url, self.token = url, token
        self.sender = f"eval-{vignette_id}-{uuid.uuid4().hex}"

    def say(self, message: str) -> str:
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": message}, timeout=120
        )
        response.raise_for_status()
        parts = []
        for item in response.json():
            if item.get("text"):
                parts.append(item["text"])
            parts.extend(f"[{button['title']}]" for button in item.get("buttons", []))
        return "\n".join(parts)

    def slots(self) -> Dict[str, Any]:
        response = requests.get(
            f"{self.url}/conversations/{self.sender}/tracker",
            params={"token": self.token, "include_events": "NONE"},
            timeout=60,
        )
        response.raise_for_status()
        return response.json()["slots"]


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _answer(vignette: Dict[str, Any], slot: str, times_asked: int) -> Optional[str]:
    answer = vignette["answers"].get(slot)
    if isinstance(answer, list):
        return str(answer[min(times_asked, len(answer) - 1)])
    return None if answer is None else str(answer)


def _explain(slots: Dict[str, Any]) -> (Optional[str], Dict[str, Any]):
    """The triage rule the bot's slots lead to and the facts it read (bot/triage.py)."""
    from bot import triage

    facts = triage.facts_from_slots(slots)
    return triage.decide(facts).rule_id, {name: facts.get(name) for name in FACTS}


def run_vignette(url: str, token: str, vignette: Dict[str, Any]) -> Outcome:
    outcome = Outcome(vignette["id"], vignette["voice"], vignette["expected"], vignette["rationale"])
    answer = vignette["answers"].get("municipality")
    outcome.expected_team = vignette.get("team") or (answer if isinstance(answer, str) else None)
    chat = Conversation(url, token, vignette["id"])
    pending = [str(message) for message in vignette["messages"]]
    asked: Counter = Counter()
    slots: Dict[str, Any] = {}
    nudged = False
    for turn in range(1, MAX_TURNS + 1):
        if pending:
            message = pending.pop(0)
        elif slots.get("requested_slot"):
            requested = slots["requested_slot"]
            message = _answer(vignette, requested, asked[requested])
            asked[requested] += 1
            if message is None:
                outcome.problems.append(f"the bot asked {requested}, which the vignette does not answer")
                message = "weet ik niet"
        elif slots.get("summary_shown"):
            message = CONFIRM
        elif not nudged:
            # The bot asked nothing (e.g. it answered the opening as a side question): a user would
            # greet and start again.
            last = outcome.transcript[-1]
            outcome.problems.append(
                f'the bot asked nothing after "{last["user"]}" (it said "{_short(last["bot"])}"); the user said hallo'
            )
            message, nudged = "hallo", True
        else:
            outcome.problems.append(
                f"the conversation stalled: the bot asked nothing and gave no route "
                f'(it said "{_short(outcome.transcript[-1]["bot"])}")'
            )
            break
        reply = chat.say(message)
        outcome.transcript.append({"user": message, "bot": reply})
        outcome.turns = turn
        slots = chat.slots()
        if slots.get("safety_categories"):
            outcome.got = "safety"
            outcome.safety_turn, outcome.safety_message = turn, message
            outcome.safety_categories = list(slots["safety_categories"])
            break
        if slots.get("route"):
            outcome.got = slots["route"]
            break
    else:
        outcome.problems.append(f"no route after {MAX_TURNS} turns")
    outcome.asked_again = {slot: count - 1 for slot, count in asked.items() if count > 1}
    outcome.municipality = slots.get("municipality")
    outcome.rule, outcome.facts = _explain(slots)
    if vignette.get("signal"):
        outcome.facts["signal"] = vignette["signal"]
    return outcome


def evaluate(url: str, token: str, vignettes: List[Dict[str, Any]], progress=None) -> Dict[str, Any]:
    outcomes = []
    for vignette in vignettes:
        outcomes.append(run_vignette(url, token, vignette))
        if progress:
            progress(outcomes[-1])
    return summarise(outcomes)


def _share(part: int, whole: int) -> Optional[float]:
    return round(part / whole, 4) if whole else None


def summarise(outcomes: List[Outcome]) -> Dict[str, Any]:
    per_route = {}
    for route in ROUTES:
        cases = [o for o in outcomes if o.expected == route]
        if cases:
            per_route[route] = {
                "vignettes": len(cases),
                "agreed": sum(o.agreed for o in cases),
                "agreement": _share(sum(o.agreed for o in cases), len(cases)),
            }
    per_voice = {
        voice: _share(sum(o.agreed for o in outcomes if o.voice == voice), sum(o.voice == voice for o in outcomes))
        for voice in VOICES
    }
    agreed = sum(o.agreed for o in outcomes)
    return {
        "vignettes": len(outcomes),
        "agreed": agreed,
        "agreement": _share(agreed, len(outcomes)),
        "per_route": per_route,
        "per_voice": per_voice,
        "missed_safety": [o.id for o in outcomes if o.expected == "safety" and o.got != "safety"],
        "safety_false_alarms": [o.id for o in outcomes if o.expected != "safety" and o.got == "safety"],
        "wrong_team": [
            {"id": o.id, "expected": o.expected_team, "got": o.municipality} for o in outcomes if o.wrong_team
        ],
        "confusion": [
            {"expected": e, "got": g, "count": n}
            for (e, g), n in sorted(Counter((o.expected, o.got) for o in outcomes).items())
        ],
        "questions_asked_again": sum(sum(o.asked_again.values()) for o in outcomes),
        "mean_turns": round(sum(o.turns for o in outcomes) / max(1, len(outcomes)), 1),
        "disagreements": [
            {
                "id": o.id,
                "voice": o.voice,
                "expected": o.expected,
                "got": o.got,
                "reason": o.reason(),
                "rationale": o.rationale,
            }
            for o in outcomes
            if not o.agreed
        ],
        "outcomes": [{**asdict(o), "agreed": o.agreed} for o in outcomes],
    }
