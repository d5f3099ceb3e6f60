"""Summarises `rasa test nlu --cross-validation` (reports/nlu/intent_report.json) into
reports/nlu/summary.md: per-intent precision, recall and F1, the intents below F1 0.85, and the
pairs of intents confused most. Run with `make nlu-report`; `make eval` uses the same summary."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

THRESHOLD = 0.85
AVERAGES = ("micro avg", "macro avg", "weighted avg")


def summarise(folder: Path, most_confused: int = 8) -> Dict[str, Any]:
    """Per-intent scores, weak intents and the most confused pairs from a `rasa test nlu` folder."""
    report = json.loads((folder / "intent_report.json").read_text(encoding="utf-8"))
    intents = {
        name: values
        for name, values in report.items()
        if isinstance(values, dict) and "f1-score" in values and name not in AVERAGES
    }
    confused: Counter = Counter()
    errors_file = folder / "intent_errors.json"
    if errors_file.exists():
        for error in json.loads(errors_file.read_text(encoding="utf-8")):
            confused[(error["intent"], error["intent_prediction"]["name"])] += 1
    return {
        "weighted_f1": round(report.get("weighted avg", {}).get("f1-score", 0), 4),
        "macro_f1": round(report.get("macro avg", {}).get("f1-score", 0), 4),
        "accuracy": round(report.get("accuracy", 0), 4),
        "examples": sum(values["support"] for values in intents.values()),
        "intents": {
            name: {
                "precision": round(values["precision"], 4),
                "recall": round(values["recall"], 4),
                "f1": round(values["f1-score"], 4),
                "support": values["support"],
            }
            for name, values in sorted(intents.items(), key=lambda item: item[1]["f1-score"])
        },
        "below_threshold": sorted(name for name, values in intents.items() if values["f1-score"] < THRESHOLD),
        "most_confused": [
            {"true": true, "predicted": predicted, "count": count}
            for (true, predicted), count in confused.most_common(most_confused)
        ],
        "confusion_matrix": str(folder / "intent_confusion_matrix.png")
        if (folder / "intent_confusion_matrix.png").exists()
        else None,
    }


def markdown_lines(summary: Dict[str, Any], title: str = "# NLU cross-validation (3 folds)") -> List[str]:
    lines = [
        title,
        "",
        f"Weighted F1: {summary['weighted_f1']:.3f} · accuracy: {summary['accuracy']:.3f}",
        "",
        "| intent | precision | recall | F1 | examples |",
        "|---|---|---|---|---|",
    ]
    for name, values in summary["intents"].items():
        lines.append(
            f"| {name} | {values['precision']:.2f} | {values['recall']:.2f} | {values['f1']:.2f} | {values['support']} |"
        )
    weak = summary["below_threshold"]
    lines += [
        "",
        f"Intents below F1 {THRESHOLD}: {', '.join(weak) if weak else 'none'}",
        "",
        "Most confused (true → predicted: count):",
    ]
    lines += [f"- {pair['true']} → {pair['predicted']}: {pair['count']}" for pair in summary["most_confused"]] or [
        "- none"
    ]
    return lines


def main(folder: str) -> int:
    out = Path(folder)
    lines = markdown_lines(summarise(out))
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/nlu"))
