"""Summarises `rasa test nlu --cross-validation` (reports/nlu/intent_report.json) into
reports/nlu/summary.md: per-intent precision, recall and F1, the intents below F1 0.85, and the
pairs of intents confused most. Run with `make nlu-report`."""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

THRESHOLD = 0.85


def main(folder: str) -> int:
    out = Path(folder)
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    intents = {name: values for name, values in report.items() if isinstance(values, dict) and "f1-score" in values
               and name not in ("micro avg", "macro avg", "weighted avg")}
    confused = Counter()
    errors_file = out / "intent_errors.json"
    if errors_file.exists():
        for error in json.loads(errors_file.read_text(encoding="utf-8")):
            confused[(error["intent"], error["intent_prediction"]["name"])] += 1
    weak = sorted(name for name, values in intents.items() if values["f1-score"] < THRESHOLD)
    lines = ["# NLU cross-validation (3 folds)", "",
             f"Weighted F1: {report.get('weighted avg', {}).get('f1-score', 0):.3f} · accuracy: {report.get('accuracy', 0):.3f}",
             "", "| intent | precision | recall | F1 | examples |", "|---|---|---|---|---|"]
    for name, values in sorted(intents.items(), key=lambda item: item[1]["f1-score"]):
        lines.append(f"| {name} | {values['precision']:.2f} | {values['recall']:.2f} | {values['f1-score']:.2f} | {values['support']} |")
    lines += ["", f"Intents below F1 {THRESHOLD}: {', '.join(weak) if weak else 'none'}", "",
              "Most confused (true → predicted: count):"]
    lines += [f"- {true} → {predicted}: {count}" for (true, predicted), count in confused.most_common(8)] or ["- none"]
    (out / "summary.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "reports/nlu"))
