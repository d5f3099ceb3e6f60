"""`make eval`: NLU cross-validation, the safety screen on the labelled sets, and routing agreement on
the vignettes, end to end through the running bot. Writes reports/eval/summary.md and eval.json.

    python -m tools.evaluation [--folds 3] [--skip-nlu] [--only ID ...] [--out reports/eval]"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional

import requests

from tools import nlu_report, safety_report
from tools.bench.stack import FullStack, wait_for_first_answer
from tools.evaluation import provenance, report, routing

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "wegwijzer.tar.gz"
OUT = ROOT / "reports" / "eval"


def cross_validate(folder: Path, folds: int) -> None:
    """`rasa test nlu --cross-validation`: per-intent report, errors and the confusion-matrix PNG."""
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / "rasa-test-nlu.log"
    with open(log, "w") as out:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "rasa"),
                "test",
                "nlu",
                "--nlu",
                "data/nlu",
                "--config",
                "config.yml",
                "--cross-validation",
                "--folds",
                str(folds),
                "--out",
                str(folder),
            ],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0:
        raise RuntimeError(f"rasa test nlu failed; see {log}")


def _parser(url: str, token: str):
    def parse(text: str) -> Dict[str, Any]:
        response = requests.post(f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60)
        response.raise_for_status()
        return response.json()

    return parse


def _progress(outcome: routing.Outcome) -> None:
    mark = "ok  " if outcome.agreed else "DIFF"
    print(f"  {mark} {outcome.id:24s} expected {outcome.expected:17s} got {outcome.got}", flush=True)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.evaluation", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--folds", type=int, default=3, help="cross-validation folds (default 3)")
    parser.add_argument("--skip-nlu", action="store_true", help="reuse the last cross-validation in <out>/nlu")
    parser.add_argument("--only", nargs="*", help="run only these vignettes (for working on them)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not MODEL.exists():
        print("No trained model: run `make train` first.", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    results: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cores": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1),
        },
        "model": provenance.describe(MODEL),
        "seconds": {},
    }

    started = time.monotonic()
    nlu_folder = args.out / "nlu"
    if not (args.skip_nlu and (nlu_folder / "intent_report.json").exists()):
        print(f"NLU: {args.folds}-fold cross-validation (a few minutes)...", flush=True)
        cross_validate(nlu_folder, args.folds)
    results["nlu"] = nlu_report.summarise(nlu_folder)
    results["nlu"]["folds"] = args.folds
    (nlu_folder / "summary.md").write_text(
        "\n".join(nlu_report.markdown_lines(results["nlu"], f"# NLU cross-validation ({args.folds} folds)")) + "\n",
        encoding="utf-8",
    )
    results["seconds"]["nlu"] = round(time.monotonic() - started, 1)

    stack = FullStack(Path(tempfile.mkdtemp(prefix="wegwijzer-eval-")))
    try:
        print("Starting the waiting-times service, action server and Rasa...", flush=True)
        stack.start_waiting_times()
        stack.start_actions()
        rasa_started = time.monotonic()
        stack.start_rasa()
        wait_for_first_answer(stack.url, stack.alive, rasa_started, "hallo")

        started = time.monotonic()
        print("Safety screen: labelled and blind sets...", flush=True)
        results["safety"] = safety_report.run(_parser(stack.url, stack.token), report=None)
        results["seconds"]["safety"] = round(time.monotonic() - started, 1)

        started = time.monotonic()
        vignettes = routing.load_vignettes()
        if args.only:
            vignettes = [v for v in vignettes if v["id"] in args.only]
        print(f"Routing: {len(vignettes)} vignettes as conversations...", flush=True)
        results["routing"] = routing.evaluate(stack.url, stack.token, vignettes, _progress)
        results["seconds"]["routing"] = round(time.monotonic() - started, 1)
    except Exception:
        print(stack.log_tail("rasa"), file=sys.stderr)
        raise
    finally:
        stack.stop_all()

    (args.out / "eval.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown = report.markdown(results)
    (args.out / "summary.md").write_text(markdown, encoding="utf-8")
    print("\n" + markdown)
    print(f"Written: {args.out / 'summary.md'}, {args.out / 'eval.json'}, {nlu_folder}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
