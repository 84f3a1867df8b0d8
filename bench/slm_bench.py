"""Score the small language model ALONE (no templates) on bench/data/slm_cases.yaml.

    /work/main/.venv/bin/python bench/slm_bench.py --model smollm2-135m
    /work/main/.venv/bin/python bench/slm_bench.py --model gemma3-270m --verbose

Prints intent accuracy and full accuracy (intent + targets + values) on the in-scope commands,
wrong actions (an action that is not an acceptable answer), false actions on the out-of-scope
requests, and the latency per command with the prompt prefix already cached (median, p95).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from assistant.discovery import entities_from_config
from assistant.nlu.slm import SlmSettings, SmallModelUnderstander
from assistant.nlu.types import Intent
from assistant.registry import Registry, normalize_name

CASES = Path(__file__).resolve().parent / "data" / "slm_cases.yaml"


def load_house(data: dict[str, Any]) -> Registry:
    registry = Registry()
    for area, aliases in (data.get("areas") or {}).items():
        registry.areas[area] = list(aliases or [])
    registry.extend(entities_from_config(data["devices"], str(CASES)))
    return registry


def acceptable(case: dict[str, Any]) -> list[dict[str, Any]]:
    expect = case["expect"]
    if expect == "none":
        return []
    return expect if isinstance(expect, list) else [expect]


def matches(intent: Intent, answer: dict[str, Any], full: bool) -> bool:
    if intent.name != answer["intent"]:
        return False
    if not full:
        return True
    if "targets" in answer and {e.entity_id for e in intent.targets} != set(answer["targets"]):
        return False
    for key, wanted in (answer.get("slots") or {}).items():
        if key not in intent.slots:
            return False
        got = intent.slots[key]
        if isinstance(wanted, list):
            if not isinstance(got, int | float) or not wanted[0] <= got <= wanted[1]:
                return False
        elif isinstance(wanted, str):
            if normalize_name(str(got)) != normalize_name(wanted):
                return False
        elif got != wanted:
            return False
    return True


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default=SlmSettings.model, help="gemma3-270m, smollm2-135m or .gguf")
    parser.add_argument("--threads", type=int, default=SlmSettings.n_threads)
    parser.add_argument("--min-confidence", type=float, default=SlmSettings.min_confidence)
    parser.add_argument("--retrieve", type=int, default=SlmSettings.retrieved_examples,
                        help="closest worked examples added to each call (SlmSettings.retrieved_examples)")
    parser.add_argument("--examples", type=int, default=0,
                        help="also pass N per-call examples (as a retriever would) to measure their cost")
    parser.add_argument("--verbose", action="store_true", help="print every case")
    args = parser.parse_args()

    data = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    registry = load_house(data)
    settings = SlmSettings(
        model=args.model,
        n_threads=args.threads,
        min_confidence=args.min_confidence,
        retrieved_examples=args.retrieve,
    )
    model = SmallModelUnderstander(settings)
    started = time.perf_counter()
    model.load()
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    model.prepare(registry)
    prepared = time.perf_counter() - started
    extra = [("turn the kitchen light off", "TurnOff | Kitchen Light"),
             ("set the floor lamp to 50 percent", "LightSet | Floor Lamp | brightness=50")][: args.examples]

    cases = data["cases"]
    latencies: list[float] = []
    intent_ok = full_ok = wrong = in_scope = false_actions = out_scope = 0
    for case in cases:
        started = time.perf_counter()
        intent = model.understand(case["text"], registry, case.get("area"), extra)
        latencies.append(time.perf_counter() - started)
        answers = acceptable(case)
        raw = model.last_answer.text.strip() if model.last_answer else ""
        if answers:
            in_scope += 1
            got_intent = intent is not None and any(matches(intent, a, full=False) for a in answers)
            got_full = intent is not None and any(matches(intent, a, full=True) for a in answers)
            intent_ok += got_intent
            full_ok += got_full
            wrong += intent is not None and not got_full
            verdict = "ok" if got_full else ("WRONG" if intent is not None else "no action")
        else:
            out_scope += 1
            false_actions += intent is not None
            verdict = "FALSE ACTION" if intent is not None else "ok"
        if args.verbose:
            p = model.last_answer.intent_confidence if model.last_answer else 0.0
            print(f"{latencies[-1] * 1000:6.0f} ms  {verdict:12} p={p:.2f} {case['text']!r:55} -> {raw}")

    print(f"model {args.model}: load {loaded:.1f} s, prompt prefix evaluated in {prepared:.1f} s")
    print(
        f"in scope {in_scope}: intent accuracy {intent_ok / in_scope:.0%}, "
        f"full accuracy {full_ok / in_scope:.0%}, wrong actions {wrong}"
    )
    print(f"out of scope {out_scope}: false actions {false_actions}")
    print(f"latency per command (warm): median {statistics.median(latencies) * 1000:.0f} ms, "
          f"p95 {percentile(latencies, 0.95) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
