"""Drives concurrent conversations through a bot's REST channel and measures every message: latency,
throughput, errors; and splits a turn's time into its parts from the conversation's own events."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import aiohttp

from tools.bench.conversations import script

REQUEST_TIMEOUT = 120  # seconds; Rasa itself waits up to 300 s for an action
# Rasa's own actions: what they cost is the policy prediction before them, not a server round trip.
BUILT_IN_PREFIXES = (
    "utter_",
    "action_listen",
    "action_session_start",
    "action_restart",
    "action_default_fallback",
    "action_back",
    "action_two_stage_fallback",
    "action_unlikely_intent",
    "action_extract_slots",
    "action_deactivate_loop",
    "action_default_ask_affirmation",
)


@dataclass
class Message:
    conversation: int
    turn: int
    text: str
    started: float  # wall clock (time.time), to line up with the tracker's event timestamps
    seconds: float
    error: Optional[str] = None
    empty: bool = False


@dataclass
class Run:
    conversations: int
    turns: int
    started: float
    finished: float
    messages: List[Message] = field(default_factory=list)
    senders: List[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return self.finished - self.started


async def _conversation(
    session: aiohttp.ClientSession,
    url: str,
    sender: str,
    index: int,
    texts: List[str],
    delay: float,
    think: float,
    out: List[Message],
) -> None:
    await asyncio.sleep(delay)
    for turn, text in enumerate(texts, start=1):
        wall, start = time.time(), time.perf_counter()
        error, empty = None, False
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}
            ) as response:
                body = await response.json(content_type=None)
                if response.status != 200:
                    error = f"HTTP {response.status}"
                elif not body:
                    empty = True
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as problem:
            error = type(problem).__name__
        out.append(Message(index, turn, text, wall, time.perf_counter() - start, error, empty))
        if think:
            await asyncio.sleep(think)


async def _drive(
    url: str, scripts: List[List[str]], conversations: int, turns: int, think: float, ramp: float, seed: int
) -> Run:
    rng = random.Random(seed)
    senders = [f"bench-{index}-{uuid.uuid4().hex}" for index in range(conversations)]
    out: List[Message] = []
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    connector = aiohttp.TCPConnector(limit=max(conversations, 1))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        started = time.perf_counter()
        # A short random ramp so the conversations do not all send their first message at the same instant.
        await asyncio.gather(
            *[
                _conversation(session, url, senders[i], i, script(scripts, i, turns), rng.uniform(0, ramp), think, out)
                for i in range(conversations)
            ]
        )
        finished = time.perf_counter()
    run = Run(conversations, turns, started, finished, sorted(out, key=lambda m: (m.conversation, m.turn)), senders)
    return run


def drive(
    url: str,
    scripts: List[List[str]],
    conversations: int,
    turns: int,
    think: float = 0.0,
    ramp: float = 1.0,
    seed: int = 6,
) -> Run:
    """Runs ``conversations`` conversations at once, each sending its turns one after the other."""
    return asyncio.run(_drive(url, scripts, conversations, turns, think, ramp, seed))


def percentile(values: List[float], share: float) -> Optional[float]:
    """Nearest-rank percentile (no interpolation: with few samples it is a message that happened)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def stats(run: Run) -> Dict[str, Any]:
    ok = [m.seconds for m in run.messages if m.error is None]
    return {
        "conversations": run.conversations,
        "turns": run.turns,
        "messages": len(run.messages),
        "errors": sum(m.error is not None for m in run.messages),
        "error_kinds": sorted({m.error for m in run.messages if m.error}),
        "empty_replies": sum(m.empty for m in run.messages),
        "seconds": round(run.seconds, 2),
        "throughput_msg_s": round(len(ok) / run.seconds, 2) if run.seconds else None,
        "latency_ms": {
            name: _ms(percentile(ok, share))
            for name, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0))
        },
        "latency_mean_ms": _ms(statistics.mean(ok)) if ok else None,
    }


def _ms(seconds: Optional[float]) -> Optional[float]:
    return None if seconds is None else round(seconds * 1000, 1)


def _custom(action: str) -> bool:
    return not action.startswith(BUILT_IN_PREFIXES)


def breakdown(run: Run, events_by_sender: Dict[str, List[Dict[str, Any]]]) -> Dict[str, Any]:
    """Where a turn's time goes, from the tracker's event timestamps (Rasa stamps a UserUttered after
    the NLU, an ActionExecuted after the action ran):

    - before the user event: waiting for the conversation's lock, loading the tracker from the
      tracker store, and the NLU pipeline;
    - Rasa's own actions (action_listen, utter_*): essentially the policy ensemble's prediction;
    - custom actions: prediction plus the round trip to the action server (which includes its
      database work and any call to the waiting-times service);
    - after the last event: saving the tracker to the store and the HTTP answer.

    Under load every part also contains time spent waiting for the busy event loop.
    """
    parts = {"lock_tracker_load_nlu": [], "policy_prediction": [], "custom_actions": [], "tracker_save_reply": []}
    per_action: Dict[str, List[float]] = {}
    for index, sender in enumerate(run.senders):
        events = events_by_sender.get(sender) or []
        users = [i for i, event in enumerate(events) if event.get("event") == "user"]
        messages = [m for m in run.messages if m.conversation == index and m.error is None]
        for message, position in zip(messages, users, strict=False):
            stop = next((i for i in users if i > position), len(events))
            user_time = events[position]["timestamp"]
            parts["lock_tracker_load_nlu"].append(user_time - message.started)
            previous = user_time
            for event in events[position + 1 : stop]:
                if event.get("event") != "action":
                    continue
                gap = event["timestamp"] - previous
                previous = event["timestamp"]
                name = event.get("name") or "?"
                parts["custom_actions" if _custom(name) else "policy_prediction"].append(gap)
                if _custom(name):
                    per_action.setdefault(name, []).append(gap)
            parts["tracker_save_reply"].append(message.started + message.seconds - previous)
    turns = max(1, sum(1 for m in run.messages if m.error is None))
    result = {
        name: {"total_s": round(sum(values), 2), "per_message_ms": round(sum(values) / turns * 1000, 1)}
        for name, values in parts.items()
    }
    result["custom_action_median_ms"] = {
        name: _ms(statistics.median(values))
        for name, values in sorted(per_action.items(), key=lambda item: -sum(item[1]))
    }
    return result
