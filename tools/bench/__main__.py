"""`make bench`: the same load against the full stack and against a `rasa init` reference bot, on
this machine, and the ratios. Writes reports/bench/summary.md and reports/bench/bench.json.

    python -m tools.bench [--conversations 20] [--turns 10] [--think 0] [--skip-reference]
                          [--retrain-reference] [--profile]

Every request goes to 127.0.0.1; the run is bounded (conversations x turns messages)."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import requests

from tools.bench import conversations, load, profile, report
from tools.bench.stack import FullStack, ReferenceBot, cpu_seconds, peak_rss_mb, wait_for_first_answer

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "reports" / "bench"
FIRST_MESSAGE = {"wegwijzer": "hallo", "reference": "hello"}


def machine() -> Dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal:")
    )
    from rasa.version import __version__ as rasa_version

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "rasa": rasa_version,
        "load_average_before": os.getloadavg()[0],
    }


def _events(url: str, token: str, senders: List[str]) -> Dict[str, List[Dict[str, Any]]]:
    found = {}
    for sender in senders:
        response = requests.get(
            f"{url}/conversations/{sender}/tracker", params={"token": token, "include_events": "ALL"}, timeout=60
        )
        if response.ok:
            found[sender] = response.json().get("events") or []
    return found


def _median_ms(call: Callable[[], Any], times: int) -> float:
    seconds = []
    for _ in range(times):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return round(statistics.median(seconds) * 1000, 1)


def _nlu_ms(url: str, token: str, texts: List[str]) -> float:
    """The NLU pipeline alone (POST /model/parse, one at a time, no load): median per message."""
    texts = [text for text in dict.fromkeys(texts) if not text.startswith("/")]
    seconds = []
    for text in texts * 2:
        start = time.perf_counter()
        requests.post(f"{url}/model/parse", params={"token": token}, json={"text": text}, timeout=60).raise_for_status()
        seconds.append(time.perf_counter() - start)
    return round(statistics.median(seconds[len(texts) :]) * 1000, 1)  # second pass: warm


def measure(name: str, target, scripts: List[List[str]], args: argparse.Namespace, work: Path) -> Dict[str, Any]:
    """Load time, one conversation alone, the concurrent load, the breakdown and peak memory."""
    started = time.monotonic()
    target.start_rasa()
    result: Dict[str, Any] = {
        "load_to_first_answer_s": wait_for_first_answer(target.url, target.alive, started, FIRST_MESSAGE[name])
    }
    print(f"[{name}] first answer {result['load_to_first_answer_s']} s after starting Rasa", flush=True)
    alone = load.drive(target.url, scripts, 1, args.turns)
    result["one_conversation"] = load.stats(alone)
    result["breakdown_alone"] = load.breakdown(alone, _events(target.url, target.token, alone.senders))
    recorder = profile.start(target.pids(), work / name) if args.profile else None
    cpu_before = {process: cpu_seconds(pid) for process, pid in target.pids().items()}
    encoder_before = _encoder_stats(target)
    run = load.drive(target.url, scripts, args.conversations, args.turns, think=args.think)
    cpu_after = {process: cpu_seconds(pid) for process, pid in target.pids().items()}
    encoder_after = _encoder_stats(target)
    if encoder_after:
        # Lookups per message: the featurizer asks once; the readers reuse the vector on the message.
        # Repeated texts are answered from the cache, so the engine itself may run less than once.
        messages = max(1, len(run.messages))
        lookups = {
            key: encoder_after.get(key, 0) - (encoder_before or {}).get(key, 0)
            for key in ("computed", "cache_hits", "failures", "restarts")
        }
        result["encoder"] = {
            **lookups,
            "lookups_per_message": round((lookups["computed"] + lookups["cache_hits"]) / messages, 2),
            "engine_runs_per_message": round(lookups["computed"] / messages, 2),
        }
        print(f"[{name}] encoder: {json.dumps(result['encoder'])}", flush=True)
    result["profile"] = profile.stop(recorder) if recorder else None
    result["load"] = load.stats(run)
    # CPU per message bounds the throughput: Rasa answers on one event loop.
    result["cpu_ms_per_message"] = {
        process: round((cpu_after[process] - cpu_before[process]) / max(1, len(run.messages)) * 1000, 1)
        for process in cpu_before
        if cpu_before[process] is not None and cpu_after.get(process) is not None
    }
    print(
        f"[{name}] {args.conversations} conversations: {json.dumps(result['load']['latency_ms'])} "
        f"{result['load']['throughput_msg_s']} msg/s, errors {result['load']['errors']}",
        flush=True,
    )
    result["breakdown"] = load.breakdown(run, _events(target.url, target.token, run.senders))
    result["nlu_alone_median_ms"] = _nlu_ms(target.url, target.token, [text for texts in scripts for text in texts])
    if isinstance(target, FullStack):
        waits = f"{target.waits_url}/v1/waits"
        result["waiting_times_call_median_ms"] = _median_ms(
            lambda: requests.get(waits, params={"municipality": "Leiden", "kind": "jeugd_ggz_basis"}, timeout=10), 20
        )
    result["peak_rss_mb"] = {process: peak_rss_mb(pid) for process, pid in target.pids().items()}
    result["alive_after_run"] = target.alive()
    return result


def _encoder_stats(target: Any) -> Optional[Dict[str, Any]]:
    path = getattr(target, "encoder_stats", None)
    try:
        return json.loads(path.read_text()) if path and path.exists() else None
    except (OSError, ValueError):
        return None


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=20, help="concurrent conversations (default 20)")
    parser.add_argument("--turns", type=int, default=10, help="messages per conversation (default 10)")
    parser.add_argument("--think", type=float, default=0.0, help="seconds a user waits between messages (default 0)")
    parser.add_argument("--skip-reference", action="store_true", help="only the project's stack")
    parser.add_argument("--retrain-reference", action="store_true", help="train the reference bot again")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the servers with py-spy during the load, if it is installed (pip install -r requirements-dev.txt)",
    )
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    if not (ROOT / "models" / "wegwijzer.tar.gz").exists():
        print("No trained model: run `make train` first.", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="wegwijzer-bench-"))
    results: Dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "settings": {"conversations": args.conversations, "turns": args.turns, "think_s": args.think},
        "notes": [],
    }
    stack = FullStack(work)
    try:
        print("[wegwijzer] starting the waiting-times service, action server, web process and Rasa...", flush=True)
        stack.start_waiting_times()
        stack.start_actions()
        stack.start_web()
        results["notes"] += stack.notes
        results["wegwijzer"] = measure("wegwijzer", stack, conversations.WEGWIJZER, args, work)
    except Exception as problem:
        print(f"[wegwijzer] failed: {problem}\n{stack.log_tail('rasa')}", file=sys.stderr)
        raise
    finally:
        stack.stop_all()
    if not args.skip_reference:
        reference = ReferenceBot(work)
        try:
            print(
                "[reference] Rasa's starter project: trained with `rasa init` on the first run, then reused...",
                flush=True,
            )
            reference.ensure_trained(args.retrain_reference)
            results["reference_train_s"] = reference.train_seconds
            results["reference"] = measure("reference", reference, conversations.REFERENCE, args, work)
        except Exception as problem:
            print(f"[reference] failed: {problem}\n{reference.log_tail()}", file=sys.stderr)
            raise
        finally:
            reference.stop()
    results["machine"]["load_average_after"] = os.getloadavg()[0]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    markdown = report.markdown(results)
    (args.out / "summary.md").write_text(markdown, encoding="utf-8")
    print("\n" + markdown)
    print(f"Written: {args.out / 'summary.md'}, {args.out / 'bench.json'}; server logs in {work}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
