"""Safety screen report: recall on the harmful messages and false-alarm rate on the harmless ones,
through the trained model's full NLU pipeline (classifier + deterministic matcher).

Gated (exit non-zero below recall 100% or above 5% false alarms): the labelled sets
tests/data/safety_messages*.yml, which the patterns were developed against. Reported for
information: the current blind set (HOLDOUT), written without seeing patterns or training data:
the honest estimate of how the screen does on new wording.
Run with `make safety-report` (part of `make test`)."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import yaml

ROOT = Path(__file__).resolve().parent.parent
LABELLED = [ROOT / "tests" / "data" / f"safety_messages{suffix}.yml" for suffix in ("", "_2", "_3")]
# The current blind set. Once a blind set has been used to change the patterns it becomes a
# labelled set (its blind figures are kept in its header) and a new blind set is written.
HOLDOUT = ROOT / "tests" / "data" / "safety_holdout_2.yml"
MODEL = ROOT / "models" / "wegwijzer.tar.gz"
REPORT = ROOT / "reports" / "safety.json"
MIN_RECALL = 1.0
MAX_FALSE_ALARM_RATE = 0.05


def load_messages(paths: List[Path]) -> Dict[str, List[Dict[str, Any]]]:
    merged: Dict[str, List[Dict[str, Any]]] = {"harmful": [], "harmless": []}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key in merged:
            merged[key] += data[key]
    return merged


async def _parse_all(texts: List[str]) -> List[Dict[str, Any]]:
    import logging

    import structlog

    # Rasa's structlog prints every parse (with the text) at debug level unless configured.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    logging.getLogger("rasa").setLevel(logging.WARNING)
    from rasa.core.agent import Agent

    agent = Agent.load(str(MODEL))
    return [await agent.parse_message(text) for text in texts]


def classify(texts: List[str], parse: Optional[Callable[[str], Dict[str, Any]]] = None) -> List[Dict[str, Any]]:
    """For each text: whether the screen fired, and whether the matcher and classifier did.

    ``parse`` reads one text with a running server's NLU (`make eval` passes `/model/parse`);
    without it the trained model is loaded in this process."""
    results = []
    for parsed in [parse(text) for text in texts] if parse else asyncio.run(_parse_all(texts)):
        categories = [e["value"] for e in parsed.get("entities", []) if e.get("entity") == "safety_category"]
        fired = (parsed.get("intent") or {}).get("name") == "signal_danger"
        results.append(
            {
                "fired": fired,
                "categories": categories,
                "matcher": fired and categories != ["unspecified"],
                "classifier_only": fired and categories == ["unspecified"],
            }
        )
    return results


def evaluate(data: Dict[str, List[Dict[str, Any]]], results: List[Dict[str, Any]]) -> Dict[str, Any]:
    harmful, harmless = data["harmful"], data["harmless"]
    on_harmful, on_harmless = results[: len(harmful)], results[len(harmful) :]
    misses = [item for item, result in zip(harmful, on_harmful, strict=False) if not result["fired"]]
    alarms = [item for item, result in zip(harmless, on_harmless, strict=False) if result["fired"]]
    return {
        "harmful": len(harmful),
        "harmless": len(harmless),
        "recall": round(1 - len(misses) / len(harmful), 4),
        "false_alarm_rate": round(len(alarms) / len(harmless), 4),
        "matcher_recall": round(sum(r["matcher"] for r in on_harmful) / len(harmful), 4),
        "classifier_only_hits_on_harmful": sum(r["classifier_only"] for r in on_harmful),
        "misses": [f"{item['category']}: {item['text']}" for item in misses],
        "false_alarms": [item["text"] for item in alarms],
    }


def _print(title: str, report: Dict[str, Any]) -> None:
    print(f"{title}: {report['harmful']} harmful, {report['harmless']} harmless messages")
    print(f"  recall            {report['recall']:.1%}  (deterministic matcher alone {report['matcher_recall']:.1%})")
    print(f"  false-alarm rate  {report['false_alarm_rate']:.1%}")
    for text in report["misses"]:
        print(f"  MISSED:      {text}")
    for text in report["false_alarms"]:
        print(f"  FALSE ALARM: {text}")


def run(
    parse: Optional[Callable[[str], Dict[str, Any]]] = None, report: Optional[Path] = REPORT
) -> Dict[str, Dict[str, Any]]:
    """The report for the labelled sets and the blind set, written to ``report`` when given."""
    labelled = load_messages(LABELLED)
    sets = {"labelled": labelled}
    if HOLDOUT.exists():
        sets["holdout"] = load_messages([HOLDOUT])
    texts = [item["text"] for data in sets.values() for key in ("harmful", "harmless") for item in data[key]]
    results = classify(texts, parse)
    reports, offset = {}, 0
    for name, data in sets.items():
        size = len(data["harmful"]) + len(data["harmless"])
        reports[name] = evaluate(data, results[offset : offset + size])
        offset += size
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(reports, indent=2, ensure_ascii=False), encoding="utf-8")
    return reports


def meets_targets(labelled: Dict[str, Any]) -> bool:
    return labelled["recall"] >= MIN_RECALL and labelled["false_alarm_rate"] <= MAX_FALSE_ALARM_RATE


def main() -> int:
    reports = run()
    _print("Safety screen, labelled sets (gated: recall 100%, false alarms at most 5%)", reports["labelled"])
    if "holdout" in reports:
        _print("Safety screen, blind held-out set (information, not gated)", reports["holdout"])
    print(f"  full report: {REPORT.relative_to(ROOT)}")
    ok = meets_targets(reports["labelled"])
    print(f"Safety screen targets {'met' if ok else 'NOT MET'}.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
