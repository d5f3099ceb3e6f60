"""The benchmark's Markdown page (reports/bench/summary.md) from its results."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

TARGET_LOAD_S = 30
TARGET_RASA_MB = 1536  # 1.5 GiB
BREAKDOWN = [
    ("lock_tracker_load_nlu", "lock, tracker load and NLU (before the user event)"),
    ("policy_prediction", "policy ensemble: predictions before Rasa's own actions"),
    ("custom_actions", "custom actions: prediction + action server round trip (its DB, the waits call)"),
    ("tracker_save_reply", "tracker save and HTTP reply (after the last event)"),
]


def _fmt(value: Optional[float], unit: str = "") -> str:
    return "–" if value is None else f"{value:,.1f}{unit}".replace(",", " ")


def _ratio(ours: Optional[float], reference: Optional[float]) -> Optional[float]:
    return round(ours / reference, 2) if ours is not None and reference else None


def ratios(results: Dict[str, Any]) -> Dict[str, Optional[float]]:
    ours, ref = results.get("wegwijzer"), results.get("reference")
    if not ours or not ref:
        return {}
    found = {
        name: _ratio(ours["load"]["latency_ms"][name], ref["load"]["latency_ms"][name])
        for name in ("p50", "p95", "p99")
    }
    found["throughput"] = _ratio(ours["load"]["throughput_msg_s"], ref["load"]["throughput_msg_s"])
    found["load_to_first_answer"] = _ratio(ours["load_to_first_answer_s"], ref["load_to_first_answer_s"])
    found["rasa_peak_rss"] = _ratio(ours["peak_rss_mb"].get("rasa"), ref["peak_rss_mb"].get("rasa"))
    return found


def _mark(ok: Optional[bool]) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def markdown(results: Dict[str, Any]) -> str:
    ours, ref = results["wegwijzer"], results.get("reference")
    machine, settings = results["machine"], results["settings"]
    found = ratios(results)
    n = settings["conversations"]
    lines = [
        "# Load benchmark",
        "",
        f"{results['date']} · {machine['cores']} cores, {machine['memory_gib']} GiB ({machine['cpu']}) · "
        f"Python {machine['python']}, Rasa {machine['rasa']} · load average {machine['load_average_before']:.2f} before, "
        f"{machine.get('load_average_after', 0):.2f} after (other work on the machine shows up here)",
        "",
        f"{n} concurrent conversations × {settings['turns']} messages over the REST channel on loopback, "
        f"{settings['think_s']} s think time (closed loop: each user sends the next message as soon as the answer "
        "is in). Full stack as `make run`: Rasa (SQLite tracker store), action server, waiting-times service, web "
        "process. Reference: Rasa's own starter project (`rasa init`, the moodbot, in-memory tracker store, no "
        "custom actions), trained by the benchmark with the same Rasa; English small talk of the same length.",
        "",
        "| | Wegwijzer (full stack) | reference (`rasa init`) | ratio |",
        "|---|---|---|---|",
    ]

    def row(label: str, value: Any, other: Any, ratio: Optional[float], unit: str = "") -> None:
        lines.append(
            f"| {label} | {_fmt(value, unit)} | {_fmt(other, unit) if ref else '–'} | "
            f"{'–' if ratio is None else f'{ratio:.2f}'} |"
        )

    for name in ("p50", "p95", "p99"):
        row(
            f"latency {name} at {n} conversations",
            ours["load"]["latency_ms"][name],
            ref and ref["load"]["latency_ms"][name],
            found.get(name),
            " ms",
        )
    row(
        "throughput",
        ours["load"]["throughput_msg_s"],
        ref and ref["load"]["throughput_msg_s"],
        found.get("throughput"),
        " msg/s",
    )
    lines.append(
        f"| errors / empty replies | {ours['load']['errors']} / {ours['load']['empty_replies']} of "
        f"{ours['load']['messages']} | "
        + (f"{ref['load']['errors']} / {ref['load']['empty_replies']} of {ref['load']['messages']}" if ref else "–")
        + " | |"
    )
    row(
        "latency p50, one conversation alone",
        ours["one_conversation"]["latency_ms"]["p50"],
        ref and ref["one_conversation"]["latency_ms"]["p50"],
        _ratio(ours["one_conversation"]["latency_ms"]["p50"], ref and ref["one_conversation"]["latency_ms"]["p50"]),
        " ms",
    )
    row(
        "NLU alone (`/model/parse`, median)",
        ours["nlu_alone_median_ms"],
        ref and ref["nlu_alone_median_ms"],
        _ratio(ours["nlu_alone_median_ms"], ref and ref["nlu_alone_median_ms"]),
        " ms",
    )
    row(
        "model load to first answer",
        ours["load_to_first_answer_s"],
        ref and ref["load_to_first_answer_s"],
        found.get("load_to_first_answer"),
        " s",
    )
    row(
        "peak memory, Rasa",
        ours["peak_rss_mb"].get("rasa"),
        ref and ref["peak_rss_mb"].get("rasa"),
        found.get("rasa_peak_rss"),
        " MiB",
    )
    for process in ("actions", "waits", "web"):
        if process in ours["peak_rss_mb"]:
            lines.append(f"| peak memory, {process} | {_fmt(ours['peak_rss_mb'][process], ' MiB')} | – | |")
    ours_cpu, ref_cpu = ours.get("cpu_ms_per_message", {}), (ref or {}).get("cpu_ms_per_message", {})
    row(
        "CPU per message, Rasa (during the load)",
        ours_cpu.get("rasa"),
        ref_cpu.get("rasa"),
        _ratio(ours_cpu.get("rasa"), ref_cpu.get("rasa")),
        " ms",
    )
    if "actions" in ours_cpu:
        lines.append(f"| CPU per message, action server | {_fmt(ours_cpu['actions'], ' ms')} | – | |")

    lines += ["", "## Targets", "", "| target | measured | |", "|---|---|---|"]
    p95, ref_p95 = ours["load"]["latency_ms"]["p95"], ref and ref["load"]["latency_ms"]["p95"]
    lines.append(
        f"| p95 latency at {n} conversations no worse than the reference | {_fmt(p95)} ms vs {_fmt(ref_p95)} ms "
        f"(ratio {found.get('p95', '–')}) | {_mark(p95 <= ref_p95 if ref_p95 else None)} |"
    )
    tp, ref_tp = ours["load"]["throughput_msg_s"], ref and ref["load"]["throughput_msg_s"]
    lines.append(
        f"| throughput at least the reference's | {_fmt(tp)} vs {_fmt(ref_tp)} msg/s | "
        f"{_mark(tp >= ref_tp if ref_tp else None)} |"
    )
    lines.append(
        f"| model load to first answer under {TARGET_LOAD_S} s | {_fmt(ours['load_to_first_answer_s'])} s | "
        f"{_mark(ours['load_to_first_answer_s'] < TARGET_LOAD_S)} |"
    )
    rasa_mb = ours["peak_rss_mb"].get("rasa")
    lines.append(
        f"| Rasa process under 1.5 GiB resident | {_fmt(rasa_mb)} MiB | "
        f"{_mark(rasa_mb < TARGET_RASA_MB if rasa_mb else None)} |"
    )

    lines += [
        "",
        "## Where a message's time goes (Wegwijzer)",
        "",
        "From the conversations' own event timestamps (`GET /conversations/<id>/tracker`); mean per message. "
        "Alone, the parts are the real costs; under load each part also holds the wait for Rasa's busy event "
        "loop, so there the queue, not the part, is the cost.",
        "",
        f"| part | one conversation alone | {n} conversations |",
        "|---|---|---|",
    ]
    for key, label in BREAKDOWN:
        alone = ours.get("breakdown_alone", {}).get(key, {}).get("per_message_ms")
        lines.append(f"| {label} | {_fmt(alone)} ms | {_fmt(ours['breakdown'][key]['per_message_ms'])} ms |")
    slow = list(ours.get("breakdown_alone", ours["breakdown"]).get("custom_action_median_ms", {}).items())[:5]
    if slow:
        lines.append("")
        lines.append(
            "Custom actions, one conversation alone (median ms per call, prediction included): "
            + ", ".join(f"`{name}` {ms}" for name, ms in slow)
            + "."
        )
    if "waiting_times_call_median_ms" in ours:
        lines.append(
            f"The waiting-times service answers `/v1/waits` in {ours['waiting_times_call_median_ms']} ms (median, "
            "no load); the NLU pipeline alone takes "
            f"{ours['nlu_alone_median_ms']} ms per message (median, no load)."
        )
    if ref:
        lines += [
            "",
            "Reference, same breakdown alone (ms per message): "
            + ", ".join(
                f"{label.split(':')[0].split(' (')[0]} "
                f"{_fmt(ref.get('breakdown_alone', ref['breakdown'])[key]['per_message_ms'])}"
                for key, label in BREAKDOWN
            )
            + ".",
        ]
    lines += _profile_lines(ours.get("profile"))
    notes: List[str] = list(results.get("notes") or [])
    if results.get("reference_train_s"):
        notes.append(
            f"the reference bot was trained in {results['reference_train_s']} s (`rasa init`, kept in "
            "build/bench_reference/ and reused)"
        )
    if notes:
        lines += ["", "Notes: " + "; ".join(notes) + "."]
    lines += [
        "",
        "Rerun: `make bench` (options: `.venv/bin/python -m tools.bench --help`). No timing is asserted in the "
        "test suite; this page is the measurement.",
    ]
    return "\n".join(lines) + "\n"


def _profile_lines(profile: Optional[Dict[str, Any]]) -> List[str]:
    if not profile:
        return []
    if "note" in profile:
        return ["", f"Profile: {profile['note']}."]
    lines = ["", "## Profile (py-spy, on-CPU samples during the load)", ""]
    for process, data in profile.items():
        shares = ", ".join(f"{label} {share:.0%}" for label, share in data.get("shares", {}).items())
        lines.append(f"- {process}: {data.get('seconds_on_cpu', 0)} s on CPU — {shares or 'no samples'}")
    return lines
