"""`assistant bench`: figures for understanding, speed and footprint. Prints, never asserts.

- nlu: the third-party suites in bench/data (Home Assistant intent tests, SLURP smart-home,
  CLINC150 home/auto + out-of-scope, Microsoft automotive settings) through the same
  `Conversation` the daemon uses, on the demo house (or the car profile for the car suites).
- latency: spoken commands through the real chain (WAV input paced in real time, a real
  embedded broker): end of speech -> MQTT publication and -> first reply audio, median and p95.
- footprint: resident memory with every model loaded and CPU while waiting for the wake word.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from assistant.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent
BENCH_DATA = REPO / "bench" / "data"
CAR_CONFIG = REPO / "examples" / "car.yaml"


def run_benchmark(what: str, config: Config, args: argparse.Namespace) -> int:
    if what == "nlu":
        return bench_nlu(config, use_model=not args.no_model, limit=args.limit)
    if what == "latency":
        from assistant.bench_latency import bench_latency

        return bench_latency(config, runs=args.runs)
    from assistant.bench_latency import bench_footprint

    return bench_footprint(config)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _read(name: str, limit: int) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in (BENCH_DATA / name).read_text(encoding="utf-8").splitlines() if line]
    return rows[:limit] if limit else rows


# What each third-party label means for a user: (component acted on, kind of action) or None for
# "no device action is right" (questions, media we do not drive, travel...).
SLURP_EXPECTED: dict[str, tuple[str, Callable[[str, str], bool]] | None] = {
    "iot_hue_lighton": ("light", lambda t, p: "OFF" not in p.upper() or p.upper() == "ON"),
    "iot_hue_lightoff": ("light", lambda t, p: "OFF" in p.upper()),
    "iot_hue_lightup": ("light", lambda t, p: "bri" in t.lower() or "dimmer" in t.lower() or "bright" in p.lower()
                        or "ON" in p.upper()),
    "iot_hue_lightdim": ("light", lambda t, p: "bri" in t.lower() or "dimmer" in t.lower() or "bright" in p.lower()
                         or "OFF" in p.upper()),
    "iot_hue_lightchange": ("light", lambda t, p: "rgb" in t or "color" in p or "xy" in t or "hs" in t
                            or "color" in t),
    "iot_wemo_on": ("switch", lambda t, p: p.upper() == "ON"),
    "iot_wemo_off": ("switch", lambda t, p: p.upper() == "OFF"),
    "iot_coffee": ("switch", lambda t, p: p.upper() == "ON"),
    "iot_cleaning": ("vacuum", lambda t, p: p in ("start", "clean_spot")),
}


def _component_of(topic: str, registry: Any) -> str | None:
    for entity in registry:
        if topic in [v for k, v in entity.config.items() if k.endswith("command_topic")]:
            return str(entity.component)
    return None


def bench_nlu(config: Config, use_model: bool, limit: int = 0) -> int:
    from assistant.brain import Brain
    from assistant.demo import demo_retained

    figures: dict[str, Any] = {}
    home = Brain.from_config(config, use_model=use_model, persist_timers=False)
    for topic, payload in demo_retained():
        home.handle_message(topic, payload.encode(), retained=True)

    def run(brain: Brain, text: str, area: str | None) -> tuple[Any, float]:
        conversation = brain.conversation(area)
        started = time.perf_counter()
        turn = conversation.handle(text)
        return turn, time.perf_counter() - started

    # SLURP smart-home.
    device_right = device_total = 0
    other_false = other_total = 0
    model_used = 0
    per_label: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    times: list[float] = []
    for row in _read("slurp_smarthome.jsonl", limit):
        turn, seconds = run(home, row["text"], config.site.area or "Living Room")
        times.append(seconds)
        if turn.intent is not None and turn.intent.source == "model":
            model_used += 1
        expected = SLURP_EXPECTED.get(row["intent"])
        if expected is None:
            other_total += 1
            other_false += bool(turn.actions)
            continue
        component, check = expected
        acted = [(a, _component_of(a.topic, home.registry)) for a in turn.actions]
        ok = bool(acted) and all(c == component and check(a.topic, a.payload) for a, c in acted)
        device_total += 1
        device_right += ok
        per_label[row["intent"]][0] += ok
        per_label[row["intent"]][1] += 1
    figures["slurp"] = {
        "device_commands_right": _pct(device_right, device_total),
        "device_commands": device_total,
        "per_label": {k: _pct(v[0], v[1]) for k, v in sorted(per_label.items())},
        "non_device_with_actions": _pct(other_false, other_total),
        "non_device": other_total,
        "model_used": _pct(model_used, device_total + other_total),
        "median_ms": 1000 * statistics.median(times) if times else None,
        "p95_ms": 1000 * percentile(times, 0.95),
    }

    # CLINC150: out-of-scope restraint, and the home/auto intents.
    oos_quiet = oos_total = 0
    in_acted: Counter[str] = Counter()
    in_total: Counter[str] = Counter()
    for row in _read("clinc150_home_auto.jsonl", limit):
        turn, _ = run(home, row["text"], config.site.area or "Living Room")
        if row["intent"] == "oos":
            oos_total += 1
            oos_quiet += not turn.actions
        else:
            in_total[row["intent"]] += 1
            in_acted[row["intent"]] += bool(turn.actions or (turn.intent and turn.intent.name.endswith("Timer")))
    figures["clinc150"] = {
        "oos_no_action": _pct(oos_quiet, oos_total),
        "oos": oos_total,
        "in_scope_handled": {k: _pct(in_acted[k], in_total[k]) for k in sorted(in_total)},
    }

    # Microsoft automotive settings, on the car profile.
    car_config = load_config(CAR_CONFIG)
    car = Brain.from_config(car_config, use_model=use_model, persist_timers=False)
    acted_by_label: Counter[str] = Counter()
    total_by_label: Counter[str] = Counter()
    for row in _read("msbf_automotive_settings_sample.jsonl", limit):
        turn, _ = run(car, row["text"], "Driver")
        total_by_label[row["intent"]] += 1
        acted_by_label[row["intent"]] += bool(turn.actions)
    figures["msbf_automotive"] = {
        "acted": {k: _pct(acted_by_label[k], total_by_label[k]) for k in sorted(total_by_label)},
        "note": "CHANGE should act when the car has the setting; CHECK/DECLARATIVE should not act",
    }

    # Home Assistant's own intent tests, against their fixtures.
    sys.path.insert(0, str(REPO / "bench"))
    from ha_suite import run_suite  # type: ignore[import-not-found]

    figures["home_assistant"] = run_suite(BENCH_DATA)
    print(json.dumps(figures, indent=2))
    return 0


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None
