"""Home Assistant's own English intent tests, run through our template matcher.

    /work/main/.venv/bin/python bench/ha_suite.py [--data bench/data] [--failures 40] [--json]

Reads `ha_intents_en.jsonl` and `ha_fixtures.json` (see `bench/data/README.md`; CC-BY-4.0, Home
Assistant intents contributors), builds a registry from the fixtures (the shared house, or a
test file's own `slot_combination_fixtures`), and runs `TemplateMatcher.match` on every sentence
from the test's context area. Two scores:

* **strict**: Home Assistant's test rule (`tests/test_language_sentences.py`): the intent is the
  expected one and the slots are exactly the expected slots (a list = any of its values);
* **equivalent**: the same, allowing the differences that cannot change what happens:
  `name: all` counts as no name (Home Assistant's handlers ignore it); a `domain` slot that is the
  intent's own domain (`HassLightSet` is always about lights) may be present or not; and an
  expected `domain`/`device_class` is also met when every entity answering to the matched name
  has it (Home Assistant's tests accept it in the match context instead of the slots).

It also gives the equivalent score over the sentences whose intent is in our catalogue
(`assistant.nlu.catalogue`), and the time `match` takes (wall clock and this thread's CPU).
`run_suite(data_dir)` returns the figures as a dict, for `assistant bench`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hassil import is_template, parse_sentence, sample_expression  # noqa: E402

from assistant.memory import freeze_loaded_objects  # noqa: E402
from assistant.nlu.catalogue import INTENTS  # noqa: E402
from assistant.nlu.templates import DEFAULT_SENTENCE_DIR, TemplateMatcher  # noqa: E402
from assistant.nlu.types import Intent  # noqa: E402
from assistant.registry import Entity, Registry, normalize_name  # noqa: E402

DEFAULT_DATA = REPO / "bench" / "data"
SHARED_FIXTURES = "tests/en/_fixtures.yaml"

INTENT_OWN_DOMAIN: dict[str, str] = {
    "HassLightSet": "light",
    "HassClimateGetTemperature": "climate",
    "HassClimateSetTemperature": "climate",
    "HassFanSetSpeed": "fan",
    "HassVacuumStart": "vacuum",
    "HassVacuumReturnToBase": "vacuum",
    "HassMediaNext": "media_player",
    "HassMediaPrevious": "media_player",
    "HassMediaPause": "media_player",
    "HassMediaUnpause": "media_player",
    "HassSetVolume": "media_player",
    "HassSetVolumeRelative": "media_player",
}
"""Intents whose schema names one domain: a `domain` slot equal to it says nothing more."""


@dataclass
class _Tally:
    total: int = 0
    strict: int = 0
    equivalent: int = 0


@dataclass
class _Failure:
    text: str
    context_area: str | None
    expected_intent: str
    expected_slots: dict[str, Any]
    got_intent: str | None
    got_slots: dict[str, Any] = field(default_factory=dict)

    @property
    def category(self) -> str:
        if self.got_intent is None:
            return "no match"
        if self.got_intent != self.expected_intent:
            return "wrong intent"
        return "wrong slots"


def run_suite(
    data_dir: Path = DEFAULT_DATA,
    sentence_dirs: list[Path] | None = None,
    failures: list[_Failure] | None = None,
) -> dict[str, Any]:
    """Run every Home Assistant test sentence; return accuracy (percent), timing (ms) and counts."""
    rows = [json.loads(line) for line in (data_dir / "ha_intents_en.jsonl").read_text().splitlines() if line]
    fixtures = json.loads((data_dir / "ha_fixtures.json").read_text())
    dirs = sentence_dirs if sentence_dirs is not None else [DEFAULT_SENTENCE_DIR]

    matchers: dict[str, TemplateMatcher] = {}
    per_intent: dict[str, _Tally] = {}
    overall = _Tally()
    catalogued = _Tally()
    categories: Counter[str] = Counter()
    wall: list[float] = []
    cpu: list[float] = []
    for row in rows:
        key = row.get("fixtures", SHARED_FIXTURES)
        if key not in matchers:
            source = fixtures if key == SHARED_FIXTURES else fixtures["slot_combination_fixtures"][key]
            matchers[key] = TemplateMatcher(registry_from_fixtures(source), sentence_dirs=dirs)
            freeze_loaded_objects()  # as the daemon does once loaded: no full sweep inside a match
        area = (row.get("context") or {}).get("area")
        start, start_cpu = time.perf_counter(), time.thread_time()
        intent = matchers[key].match(row["text"], area)
        cpu.append(time.thread_time() - start_cpu)
        wall.append(time.perf_counter() - start)

        strict = intent is not None and _strict_match(intent, row)
        equivalent = strict or (intent is not None and _equivalent_match(intent, row, matchers[key].registry))
        tally = per_intent.setdefault(row["intent"], _Tally())
        tallies = (tally, overall, catalogued) if row["intent"] in INTENTS else (tally, overall)
        for t in tallies:
            t.total += 1
            t.strict += strict
            t.equivalent += equivalent
        if not equivalent:
            failure = _Failure(
                row["text"],
                area,
                row["intent"],
                row["slots"],
                intent.name if intent else None,
                dict(intent.slots) if intent else {},
            )
            categories[failure.category] += 1
            if failures is not None:
                failures.append(failure)

    return {
        "sentences": overall.total,
        "strict_accuracy": _pct(overall.strict, overall.total),
        "equivalent_accuracy": _pct(overall.equivalent, overall.total),
        "catalogue_sentences": catalogued.total,
        "catalogue_equivalent_accuracy": _pct(catalogued.equivalent, catalogued.total),
        "failures": dict(categories),
        "match_ms": _timing(wall),
        "match_cpu_ms": _timing(cpu),
        "per_intent": {
            name: {"n": t.total, "strict": _pct(t.strict, t.total), "equivalent": _pct(t.equivalent, t.total)}
            for name, t in sorted(per_intent.items())
        },
    }


def registry_from_fixtures(fixtures: dict[str, Any]) -> Registry:
    """A registry holding the fixtures' floors, areas and entities (template names expanded)."""
    registry = Registry()
    floor_names = {f.get("id", f["name"]): _expand(f["name"])[0] for f in fixtures.get("floors", [])}
    for floor in floor_names.values():
        registry.floors[floor] = []
    area_names: dict[str, str] = {}
    for area in fixtures.get("areas", []):
        name, *aliases = _expand(area["name"])
        area_names[area.get("id", name)] = name
        registry.areas[name] = aliases
        floor = floor_names.get(area.get("floor_id", ""))
        if floor is not None:
            registry.floors[floor].append(name)
    for index, item in enumerate(fixtures.get("entities", [])):
        name, *aliases = _expand(item["name"])
        entity_id = item.get("id") or f"{item['domain']}.{normalize_name(name).replace(' ', '_')}_{index}"
        component, object_id = entity_id.split(".", 1)
        state = item.get("state", "off")
        attributes = dict(item.get("attributes", {}))
        registry.upsert(
            Entity(
                unique_id=entity_id,
                component=component,
                object_id=object_id,
                name=name,
                config={},
                area=item.get("area") or area_names.get(item.get("area_id", "")),
                aliases=aliases,
                device_class=attributes.get("device_class"),
                state={"state": state["out"] if isinstance(state, dict) else state, **attributes},
            )
        )
    return registry


def _expand(name: str) -> list[str]:
    """A fixture name, or every wording of a template name ("Trader Joe[']s")."""
    if is_template(name):
        return [text.strip() for text in sample_expression(parse_sentence(name).expression)]
    return [name.strip()]


def _values_equal(expected: Any, got: Any) -> bool:
    if isinstance(expected, list):
        return any(_values_equal(e, got) for e in expected)
    if isinstance(expected, int | float) and not isinstance(expected, bool) and isinstance(got, int | float):
        return float(expected) == float(got)
    return expected == got


def _strict_match(intent: Intent, row: dict[str, Any]) -> bool:
    expected = row["slots"]
    return (
        intent.name == row["intent"]
        and set(intent.slots) == set(expected)
        and all(_values_equal(expected[k], intent.slots[k]) for k in expected)
    )


def _equivalent_match(intent: Intent, row: dict[str, Any], registry: Registry) -> bool:
    if intent.name != row["intent"]:
        return False
    expected = {k: v for k, v in row["slots"].items() if not (k == "name" and v == "all")}
    got = {k: v for k, v in intent.slots.items() if not (k == "name" and v == "all")}
    own_domain = INTENT_OWN_DOMAIN.get(intent.name)
    for slots in (expected, got):
        if own_domain is not None and slots.get("domain") == own_domain:
            del slots["domain"]
    for key in ("domain", "device_class"):
        if key in expected and key not in got and _named_entities_have(registry, got, key, expected[key]):
            del expected[key]
    return set(got) == set(expected) and all(_values_equal(expected[k], got[k]) for k in expected)


def _named_entities_have(registry: Registry, slots: dict[str, Any], key: str, value: Any) -> bool:
    """Whether every entity answering to the `name` slot has this domain/device class."""
    name = slots.get("name")
    if not isinstance(name, str):
        return False
    spoken = normalize_name(name)
    named = [e for e in registry if spoken in (normalize_name(n) for n in e.names)]
    values = value if isinstance(value, list) else [value]
    if key == "domain":
        return bool(named) and all(e.component in values for e in named)
    return bool(named) and all(e.device_class in values for e in named)


def _timing(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "median": round(statistics.median(ms), 2),
        "p95": round(ms[int(0.95 * (len(ms) - 1))], 2),
        "max": round(ms[-1], 2),
    }


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 2) if whole else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with the jsonl and fixtures")
    parser.add_argument("--failures", type=int, default=40, help="how many failures to list")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON only")
    args = parser.parse_args(argv)

    failures: list[_Failure] = []
    figures = run_suite(args.data, failures=failures)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    print(f"{'intent':34} {'n':>5} {'strict %':>9} {'equiv %':>8}")
    for name, row in figures["per_intent"].items():
        print(f"{name:34} {row['n']:>5} {row['strict']:>9} {row['equivalent']:>8}")
    print(
        f"\n{figures['sentences']} sentences: strict {figures['strict_accuracy']}%, "
        f"equivalent {figures['equivalent_accuracy']}%"
    )
    print(
        f"{figures['catalogue_sentences']} sentences of intents in our catalogue: "
        f"equivalent {figures['catalogue_equivalent_accuracy']}%"
    )
    print(f"failures by kind: {figures['failures']}")
    for label, key in (("wall", "match_ms"), ("cpu", "match_cpu_ms")):
        timing = figures[key]
        print(f"match() {label}: median {timing['median']} ms, p95 {timing['p95']} ms, max {timing['max']} ms")
    for failure in failures[: args.failures]:
        where = f" [in {failure.context_area}]" if failure.context_area else ""
        print(
            f"- {failure.category}: {failure.text!r}{where}\n"
            f"    expected {failure.expected_intent} {failure.expected_slots}\n"
            f"    got      {failure.got_intent} {failure.got_slots}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
