"""The evaluation's Markdown page (reports/eval/summary.md) from its results."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from tools import nlu_report, safety_report

ROUTING_TARGET = 0.95


def _pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.1%}"


def _mark(ok: bool) -> str:
    return "met" if ok else "**not met**"


def markdown(results: Dict[str, Any]) -> str:
    model, nlu, safety, routing = results["model"], results["nlu"], results["safety"], results["routing"]
    labelled, holdout = safety["labelled"], safety.get("holdout")
    lines = [
        "# Evaluation: NLU, safety screen, routing",
        "",
        f"{results['date']} · {results['machine']['cores']} cores, {results['machine']['memory_gib']} GiB · "
        f"model `{model['model']}` trained {model['trained_at']} (Rasa {model['rasa_open_source_version']}, id "
        f"{model['model_id']}) · training data sha256 `{model['training_data_sha256'][:16]}` "
        f"({model['training_files']} files: config.yml, domain.yml, data/, bot/nlu/) · commit {model['git_commit']}"
        + (" with uncommitted changes" if model["git_uncommitted_changes"] else ""),
    ]
    if model["model_older_than_training_data"]:
        lines += ["", "**Warning: the model is older than its training data; run `make train` (make eval does).**"]
    lines += [
        "",
        f"Took {sum(results['seconds'].values()):.0f} s: "
        + ", ".join(f"{k} {v:.0f} s" for k, v in results["seconds"].items())
        + ".",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| NLU weighted F1, {nlu['folds']}-fold cross-validation ({nlu['examples']} examples) | {nlu['weighted_f1']:.3f} "
        f"(macro {nlu['macro_f1']:.3f}) | every intent ≥ {nlu_report.THRESHOLD}: {len(nlu['below_threshold'])} below |",
        f"| safety screen recall, labelled sets ({labelled['harmful']} harmful) | {_pct(labelled['recall'])} | "
        f"{_pct(safety_report.MIN_RECALL)}: {_mark(labelled['recall'] >= safety_report.MIN_RECALL)} |",
        f"| safety screen false alarms, labelled sets ({labelled['harmless']} harmless) | {_pct(labelled['false_alarm_rate'])} | "
        f"≤ {_pct(safety_report.MAX_FALSE_ALARM_RATE)}: {_mark(labelled['false_alarm_rate'] <= safety_report.MAX_FALSE_ALARM_RATE)} |",
    ]
    if holdout:
        lines.append(
            f"| safety screen on the blind set ({holdout['harmful']} harmful, {holdout['harmless']} harmless) | "
            f"recall {_pct(holdout['recall'])}, false alarms {_pct(holdout['false_alarm_rate'])} | information |"
        )
    lines += [
        f"| routing agreement, {routing['vignettes']} vignettes end to end | {_pct(routing['agreement'])} "
        f"({routing['agreed']}/{routing['vignettes']}) | ≥ {_pct(ROUTING_TARGET)}: {_mark((routing['agreement'] or 0) >= ROUTING_TARGET)} |",
        f"| safety vignettes missed | {len(routing['missed_safety'])} of "
        f"{routing['per_route'].get('safety', {}).get('vignettes', 0)} | 0: {_mark(not routing['missed_safety'])} |",
        "",
        "For comparison, the issue cites published symptom-checker evaluations: about 80% agreement with a triage "
        "nurse, and 40% of emergencies missed.",
    ]
    lines += [""] + nlu_report.markdown_lines(nlu, f"## NLU cross-validation ({nlu['folds']} folds)")
    if nlu.get("confusion_matrix"):
        lines += [
            "",
            "Confusion matrix: [nlu/intent_confusion_matrix.png](nlu/intent_confusion_matrix.png); "
            "all errors: `nlu/intent_errors.json`.",
        ]
    lines += [
        "",
        "## Safety screen",
        "",
        "Full NLU pipeline of the trained model (classifier + deterministic matcher), as `make safety-report`.",
        "",
    ]
    lines += _safety_lines("Labelled sets (tests/data/safety_messages*.yml; gated in `make test`)", labelled)
    if holdout:
        lines += [""] + _safety_lines(
            "Blind set (tests/data/safety_holdout_2.yml; written without seeing the patterns)", holdout
        )
    lines += [""] + _routing_lines(routing)
    lines += ["", "Rerun: `make eval` (options: `.venv/bin/python -m tools.evaluation --help`)."]
    return "\n".join(lines) + "\n"


def _safety_lines(title: str, data: Dict[str, Any]) -> List[str]:
    lines = [
        f"**{title}**: {data['harmful']} harmful, {data['harmless']} harmless; recall {_pct(data['recall'])} "
        f"(matcher alone {_pct(data['matcher_recall'])}), false alarms {_pct(data['false_alarm_rate'])}.",
        "",
    ]
    lines += [f"- missed: {text}" for text in data["misses"]] or ["- no misses"]
    lines += [f"- false alarm: {text}" for text in data["false_alarms"]] or ["- no false alarms"]
    return lines


def _routing_lines(routing: Dict[str, Any]) -> List[str]:
    lines = [
        "## Routing (vignettes, end to end)",
        "",
        "Each vignette in tests/data/vignettes.yml is a conversation with the running bot (Rasa, action server, "
        "waiting-times service) over the REST channel: the user's opening messages, then the vignette's answer to "
        'each question the bot asks, then "Ja, dat klopt" on the summary. The route is the `route` slot set by '
        "`action_triage`; a safety escalation at any turn counts as the safety route.",
        "",
        "| expected route | vignettes | agreed | agreement |",
        "|---|---|---|---|",
    ]
    for route, data in routing["per_route"].items():
        lines.append(f"| {route} | {data['vignettes']} | {data['agreed']} | {_pct(data['agreement'])} |")
    lines.append(f"| **all** | {routing['vignettes']} | {routing['agreed']} | {_pct(routing['agreement'])} |")
    lines += [
        "",
        "By voice: "
        + ", ".join(f"{voice} {_pct(share)}" for voice, share in routing["per_voice"].items())
        + f". Mean {routing['mean_turns']} turns per conversation; {routing['questions_asked_again']} questions "
        "had to be asked again.",
        "",
        f"### Disagreements ({len(routing['disagreements'])})",
        "",
    ]
    for item in routing["disagreements"]:
        lines.append(
            f"- **{item['id']}** ({item['voice']}): expected {item['expected']}, got {item['got']} — "
            f"{item['reason']}. Expected because: {item['rationale']}"
        )
    if not routing["disagreements"]:
        lines.append("- none")
    if routing["wrong_team"]:
        lines += [
            "",
            "Right route, wrong municipality (so the wrong local team): "
            + ", ".join(f"{w['id']} (expected {w['expected']}, read {w['got']})" for w in routing["wrong_team"])
            + ".",
        ]
    return lines
