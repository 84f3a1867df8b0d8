"""The template matcher on a test home and a test car (tests/intents/*.yaml).

House files (`house: <name>` with `areas`, `floors`, `entities`) describe the registry; case files
(`house: <name>` with `cases`) list sentences with what must come out: the intent, a subset of its
slots, and exactly which entities it targets, or `expect: none` for sentences that must not match.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.nlu.catalogue import INTENTS
from assistant.nlu.templates import DEFAULT_SENTENCE_DIR, SentenceFileError, TemplateMatcher
from assistant.registry import Entity, Registry

CASES_DIR = Path(__file__).parent / "intents"
CASE_KEYS = {"sentence", "area", "intent", "slots", "targets", "expect"}


def _yaml_files() -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(CASES_DIR.glob("*.yaml")):
        yield path, yaml.safe_load(path.read_text(encoding="utf-8"))


HOUSES = {data["house"]: data for _, data in _yaml_files() if "entities" in data}
CASES = [
    pytest.param(data["house"], case, id=f"{path.stem}[{index}] {case.get('sentence', '')}")
    for path, data in _yaml_files()
    if "cases" in data
    for index, case in enumerate(data["cases"])
]


def load_house(house: dict[str, Any]) -> Registry:
    registry = Registry()
    for area, aliases in house["areas"].items():
        registry.areas[area] = list(aliases)
    for floor, areas in house.get("floors", {}).items():
        registry.floors[floor] = list(areas)
    for item in house["entities"]:
        component, object_id = item["id"].split(".", 1)
        registry.upsert(
            Entity(
                unique_id=item["id"],
                component=component,
                object_id=object_id,
                name=item["name"],
                config=dict(item.get("config", {})),
                area=item.get("area"),
                aliases=list(item.get("aliases", [])),
                device_class=item.get("device_class"),
            )
        )
    return registry


_MATCHERS: dict[str, TemplateMatcher] = {}


def matcher_for(house: str) -> TemplateMatcher:
    if house not in _MATCHERS:
        _MATCHERS[house] = TemplateMatcher(load_house(HOUSES[house]))
    return _MATCHERS[house]


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(got, int | float) and float(expected) == float(got)
    return str(expected).casefold() == str(got).casefold()


@pytest.mark.parametrize(("house", "case"), CASES)
def test_sentence(house: str, case: dict[str, Any]) -> None:
    assert set(case) <= CASE_KEYS, f"unknown keys in case: {set(case) - CASE_KEYS}"
    intent = matcher_for(house).match(case["sentence"], case.get("area"))
    if case.get("expect") == "none":
        assert intent is None, (
            f"{case['sentence']!r} should match nothing, got {intent.name} {intent.slots} "
            f"-> {[e.entity_id for e in intent.targets]}"
        )
        return
    assert intent is not None, f"{case['sentence']!r} matched nothing"
    assert intent.name == case["intent"], f"got {intent.name} {intent.slots}"
    for slot, value in case.get("slots", {}).items():
        assert slot in intent.slots, f"no slot {slot}: got {intent.slots}"
        assert _same(value, intent.slots[slot]), f"slot {slot}: got {intent.slots}"
    if "targets" in case:
        assert sorted(e.entity_id for e in intent.targets) == sorted(case["targets"]), f"slots {intent.slots}"
    assert intent.source == "template"
    assert intent.text == case["sentence"]


def test_a_device_added_later_is_understood_and_one_removed_is_not() -> None:
    registry = load_house(HOUSES["home"])
    matcher = TemplateMatcher(registry)
    assert matcher.match("turn on the aquarium light") is None

    registry.upsert(Entity("light.aquarium", "light", "aquarium", "Aquarium Light", {}, area="Living Room"))
    intent = matcher.match("turn on the aquarium light")
    assert intent is not None
    assert [e.entity_id for e in intent.targets] == ["light.aquarium"]

    registry.remove("light.aquarium")
    assert matcher.match("turn on the aquarium light") is None


def test_median_match_takes_at_most_10_ms_of_cpu_in_a_100_entity_home() -> None:
    registry = load_house(HOUSES["home"])
    areas = list(registry.areas)
    for number in range(75):
        area = areas[number % len(areas)]
        registry.upsert(
            Entity(f"light.extra_{number}", "light", f"extra_{number}", f"{area} Lamp {number}", {}, area=area)
        )
    assert len(registry) >= 100
    matcher = TemplateMatcher(registry)
    sentences = [
        ("turn off the lights", "Kitchen"),
        ("turn on the bedside lamp", None),
        ("set the desk lamp to 40%", None),
        ("make it warmer", "Living Room"),
        ("what is the temperature in the living room", None),
        ("open the bedroom blinds half way", None),
        ("lock the front door", None),
        ("set a timer for 10 minutes", None),
        ("brighter", "Office"),
        ("turn on office lamp 16", None),
        ("what time is it", None),
        ("is there smoke in the kitchen", None),
    ]
    cpu: list[float] = []
    for _ in range(3):
        for text, area in sentences:
            start = time.thread_time()
            assert matcher.match(text, area) is not None, text
            cpu.append(time.thread_time() - start)
    assert statistics.median(cpu) <= 0.010, f"median {statistics.median(cpu) * 1000:.1f} ms"


def test_our_sentence_files_use_only_catalogue_intents_and_slots() -> None:
    for path in sorted(DEFAULT_SENTENCE_DIR.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, intent in content.get("intents", {}).items():
            assert name in INTENTS, f"{path.name}: {name} is not in the catalogue"
            allowed = set(INTENTS[name].slots)
            for data in intent["data"]:
                used = set(data.get("slots", {}))
                used |= {key for key, value in data.get("requires_context", {}).items() if isinstance(value, dict)}
                for sentence in data["sentences"]:
                    used |= {slot or ref for ref, slot in re.findall(r"\{(\w+)(?::(\w+))?\}", sentence)}
                unknown = {slot for slot in used - allowed if not slot.startswith("_")}
                assert not unknown, f"{path.name}: {name} uses slots {unknown} outside the catalogue"


def test_broken_sentence_files_are_reported_with_their_path(tmp_path: Path) -> None:
    registry = load_house(HOUSES["home"])
    bad_yaml = tmp_path / "bad_yaml"
    bad_yaml.mkdir()
    (bad_yaml / "broken.yaml").write_text("language: en\nintents: [unclosed\n", encoding="utf-8")
    with pytest.raises(SentenceFileError, match=r"broken\.yaml is not valid YAML"):
        TemplateMatcher(registry, sentence_dirs=[bad_yaml])

    bad_template = tmp_path / "bad_template"
    bad_template.mkdir()
    (bad_template / "lights.yaml").write_text(
        'language: en\nintents:\n  HassTurnOn:\n    data:\n      - sentences: ["turn on (the"]\n',
        encoding="utf-8",
    )
    with pytest.raises(SentenceFileError, match=r"lights\.yaml has a template hassil cannot parse"):
        TemplateMatcher(registry, sentence_dirs=[bad_template])

    twice = tmp_path / "twice"
    twice.mkdir()
    (twice / "mine.yaml").write_text(
        'language: en\nintents:\n  HassTurnOn:\n    data: [{sentences: ["switch on {name}"]}]\n'
        '  HassTurnOn:\n    data: [{sentences: ["power on {name}"]}]\n',
        encoding="utf-8",
    )
    twice_said = r"(?s)mine\.yaml is not valid YAML.*'HassTurnOn' appears twice \(line 5\)"
    with pytest.raises(SentenceFileError, match=twice_said):
        TemplateMatcher(registry, sentence_dirs=[twice])

    with pytest.raises(SentenceFileError, match=r"missing does not exist"):
        TemplateMatcher(registry, sentence_dirs=[tmp_path / "missing"])


def test_sentence_files_of_another_language_are_skipped(tmp_path: Path) -> None:
    (tmp_path / "de.yaml").write_text(
        'language: de\nintents:\n  HassTurnOn:\n    data:\n      - sentences: ["mach {name} an"]\n',
        encoding="utf-8",
    )
    (tmp_path / "en.yaml").write_text(
        'language: en\nintents:\n  HassTurnOn:\n    data:\n      - sentences: ["wake up [the] {name}"]\n',
        encoding="utf-8",
    )
    matcher = TemplateMatcher(load_house(HOUSES["home"]), sentence_dirs=[tmp_path])
    assert matcher.match("mach Desk Lamp an") is None
    intent = matcher.match("wake up the desk lamp")
    assert intent is not None
    assert [e.entity_id for e in intent.targets] == ["light.desk_lamp"]
