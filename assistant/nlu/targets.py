"""Which entities a recognised request is about, following Home Assistant's `async_match_targets`.

The slots say what was said: `name` (entity name or alias), `area`, `floor`, `domain`,
`device_class`. Like Home Assistant:

* a name matches the entity's name first, its aliases only if no name matches;
* area and floor narrow the candidates; an unknown area or floor matches nothing;
* several entities answering to the same name are told apart by the speaker's area; if that does
  not settle it, a command targets nothing (a question may still read them all);
* with no name, area or floor the request covers the whole home, as Home Assistant's "turn off all
  the lights" does. Sentences that mean "here" carry the speaker's area as their `area` slot
  (`requires_context: area: slot: true`), so "turn off the lights" in the kitchen is the kitchen's.

Two additions for devices that only exist once: when the area came from where the speaker is (not
from the words) and holds no such device, the one such device of the home is used, for the
whole-home kinds in `_WHOLE_HOME_DOMAINS` (a thermostat, a vacuum, a fan, blinds, the car's door
lock). And MQTT has no media players, so media and volume intents fall back to buttons and numbers
named for the job ("Next Track", "Media Volume"), see `_STAND_INS`.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from assistant.nlu.actions import hvac_mode
from assistant.nlu.catalogue import spec
from assistant.nlu.types import ActionError
from assistant.registry import Entity, Registry, normalize_name

_SWITCHABLE: frozenset[str] = frozenset(
    {
        "alarm_control_panel",
        "automation",
        "button",
        "climate",
        "cover",
        "fan",
        "humidifier",
        "input_boolean",
        "lawn_mower",
        "light",
        "lock",
        "media_player",
        "scene",
        "script",
        "select",
        "siren",
        "switch",
        "vacuum",
        "valve",
        "water_heater",
    }
)

INTENT_DOMAINS: dict[str, frozenset[str]] = {
    "HassTurnOn": _SWITCHABLE,
    "HassTurnOff": _SWITCHABLE,
    "HassToggle": _SWITCHABLE,
    "HassLightSet": frozenset({"light"}),
    "HassLightSetRelative": frozenset({"light"}),
    "HassSetPosition": frozenset({"cover", "valve"}),
    "HassSetPositionRelative": frozenset({"cover", "valve"}),
    "HassStopCover": frozenset({"cover"}),
    "HassClimateSetTemperature": frozenset({"climate"}),
    "HassClimateSetTemperatureRelative": frozenset({"climate"}),
    "HassClimateSetMode": frozenset({"climate", "water_heater"}),
    "HassClimateSetFanMode": frozenset({"climate"}),
    "HassClimateSetSwingMode": frozenset({"climate"}),
    "HassClimateGetTemperature": frozenset({"climate"}),
    "HassFanSetSpeed": frozenset({"fan"}),
    "HassFanSetSpeedRelative": frozenset({"fan"}),
    "HassFanSetPreset": frozenset({"fan"}),
    "HassClimateSetPreset": frozenset({"climate"}),
    "HassVacuumStart": frozenset({"vacuum"}),
    "HassVacuumReturnToBase": frozenset({"vacuum"}),
    "HassVacuumPause": frozenset({"vacuum"}),
    "HassVacuumStop": frozenset({"vacuum"}),
    "HassVacuumLocate": frozenset({"vacuum"}),
    "HassVacuumSetFanSpeed": frozenset({"vacuum"}),
    "HassVacuumCleanArea": frozenset({"vacuum"}),
    "HassLawnMowerStartMowing": frozenset({"lawn_mower"}),
    "HassLawnMowerDock": frozenset({"lawn_mower"}),
    "HassMediaNext": frozenset({"media_player"}),
    "HassMediaPrevious": frozenset({"media_player"}),
    "HassMediaPause": frozenset({"media_player"}),
    "HassMediaUnpause": frozenset({"media_player"}),
    "HassSetVolume": frozenset({"media_player"}),
    "HassSetVolumeRelative": frozenset({"media_player"}),
    "HassSelectOption": frozenset({"select"}),
    "HassNumberSet": frozenset({"number"}),
    "HassNumberSetRelative": frozenset({"number"}),
    "HassTextSet": frozenset({"text"}),
    "HassNavigate": frozenset({"text"}),
    "HassButtonPress": frozenset({"button"}),
    "HassHumidifierSetHumidity": frozenset({"humidifier"}),
    "HassHumidifierSetMode": frozenset({"humidifier"}),
    "HassWaterHeaterSetTemperature": frozenset({"water_heater"}),
    "HassAlarmArm": frozenset({"alarm_control_panel"}),
    "HassAlarmDisarm": frozenset({"alarm_control_panel"}),
}
"""The kinds of entity each intent can act on, used when the sentence names no domain."""

_BLINDS: frozenset[str] = frozenset({"blind", "shade"})
_WINDOW_COVERINGS: frozenset[str] = frozenset({"blind", "shade", "curtain", "shutter", "awning"})
"""Cover classes that a cover announced without a class may be."""

_ROOF = re.compile(r"roof\b")
_DOOR = re.compile(r"\bdoors?\b")
"""A sunroof, moonroof or roof, whatever its device class."""

_AREA_IS_NOT_LOCATION: frozenset[str] = frozenset({"HassVacuumCleanArea"})
"""Intents whose `area` slot is where to act, not where the target device is."""

_WHOLE_HOME_DOMAINS: frozenset[str] = frozenset(
    {
        "alarm_control_panel",
        "button",
        "climate",
        "cover",
        "fan",
        "humidifier",
        "lawn_mower",
        "light",
        "lock",
        "media_player",
        "number",
        "select",
        "siren",
        "text",
        "vacuum",
        "water_heater",
    }
)


@dataclass(frozen=True)
class _StandIn:
    domain: str
    phrases: tuple[str, ...]


_STAND_INS: dict[str, _StandIn] = {
    "HassMediaNext": _StandIn("button", ("next track", "next song", "skip track", "skip", "next")),
    "HassMediaPrevious": _StandIn("button", ("previous track", "previous song", "last track", "previous")),
    "HassMediaPause": _StandIn("button", ("pause",)),
    "HassMediaUnpause": _StandIn("button", ("play", "resume")),
    "HassSetVolume": _StandIn("number", ("volume",)),
    "HassSetVolumeRelative": _StandIn("number", ("volume",)),
}
"""Buttons and numbers that stand in for a media player, found by a phrase in their name."""


def resolve_targets(
    registry: Registry,
    slots: Mapping[str, Any],
    area_context: str | None = None,
    *,
    intent: str | None = None,
    area_said: bool = False,
    said: str = "",
) -> list[Entity]:
    """The entities the slots point at, or [] when nothing (or nothing unambiguous) matches.

    `area_context` is the area the request came from (the satellite's, or the speaker's zone in
    the car). `intent` names the intent, which limits the kinds of entity considered
    (`INTENT_DOMAINS`) and whether several same-named entities may all be acted on. `area_said`:
    the area was named in the words, so the home's one such device elsewhere never stands in
    ("turn on the guest room heater" in a guest room without one).
    """
    constraints = _Constraints.from_slots(slots, intent)
    targets = _match(registry, constraints, area_context, intent)
    if (
        len(targets) > 1
        and constraints.domains == frozenset({"climate"})
        and not constraints.name and not constraints.area and not constraints.floor
        and intent is not None and not spec(intent).changes_devices
    ):
        # "What is the heating set to?" in a room with its own: that room's, as Home Assistant
        # answers from the satellite's area.
        local = [e for e in targets if _same_area(e.area, area_context)]
        targets = local or targets
    if (
        targets
        and constraints.domains == frozenset({"lock"})
        and constraints.name is None
        and not area_said
        and _same_area(constraints.area, area_context)
    ):
        # "Unlock the doors" said beside the glovebox: the car's "Door Locks", which the words
        # name, not the one lock of the speaker's seat, which they do not.
        named = _named_like(_match(registry, constraints.without_area(), area_context, intent), said)
        if len(named) == 1 and named[0] not in targets and not any(_shares_a_word(e, said) for e in targets):
            return named
    here = registry.in_area(area_context) if area_context else []
    called = _called_the_kind(here, constraints.domains, said)
    if (
        called is not None
        and intent in ("HassTurnOn", "HassTurnOff", "HassToggle")
        and constraints.name is None
        and not any(_shares_a_word(e, said) for e in targets)
    ):
        # "Turn on the heater" in a room with a radiator and a plug called "Heater": the plug.
        return [called]
    if targets:
        return targets
    stand_in = _STAND_INS.get(intent or "")
    if stand_in is not None and constraints.name is None:
        targets = _match(registry, constraints.with_stand_in(stand_in), area_context, intent)
        if targets:
            return targets
    if (
        constraints.name is None
        and constraints.floor is None
        and not area_said
        and _same_area(constraints.area, area_context)
        and not re.search(r"\b(?:my|our)\b", said)
    ):
        # The area is only where the speaker is: fall back to the home's one such device (not
        # for "open my blinds" in a room without any: those are someone else's).
        home = _match(registry, constraints.without_area(), area_context, intent)
        if stand_in is not None and not home:
            home = _match(registry, constraints.with_stand_in(stand_in).without_area(), area_context, intent)
        if len(home) > 1:
            # "Unlock the doors" in a car with "Door Locks" and a "Glovebox": the one named for
            # what was said.
            home = _named_like(home, said)
        if len(home) > 1 and area_context:
            # "Make it warmer back here" in the rear right seat, which has no climate of its own:
            # the "Rear Climate", whose name shares a word with the seat's area.
            place = set(normalize_name(area_context).split())
            sharing = [e for e in home if place & set(normalize_name(e.name).split())]
            home = sharing if len(sharing) == 1 else home
        if len(home) > 1 and slots.get("hvac_mode"):
            # "Switch the heat on" in a house with a thermostat and a water heater: the one that
            # has that mode.
            home = [e for e in home if _has_hvac_mode(e, str(slots["hvac_mode"]))]
        if len(home) > 1 and slots.get("fan_mode"):
            # "Fan on auto" in a camper with a cab climate and a diesel heater: the one with a fan.
            home = [e for e in home if e.config.get("fan_mode_command_topic")]
        if len(home) == 1 and home[0].component in _WHOLE_HOME_DOMAINS and not (
            constraints.device_classes and any(e.component == home[0].component for e in here)
        ):
            # A kind asked by its class ("the blinds") only when the room has no such device at
            # all: a living room's blinds of another class never let the bedroom's be closed.
            return home
    return []


@dataclass(frozen=True)
class _Constraints:
    name: str | None
    area: str | None
    floor: str | None
    domains: frozenset[str] | None
    device_classes: frozenset[str] | None
    option: str | None
    name_phrases: tuple[str, ...] = ()

    @classmethod
    def from_slots(cls, slots: Mapping[str, Any], intent: str | None) -> _Constraints:
        name = _text(slots.get("name"))
        if name is not None and normalize_name(name) == "all":
            name = None
        domains = _text_set(slots.get("domain"))
        implied = INTENT_DOMAINS.get(intent or "")
        if domains is None:
            domains = implied
        elif implied is not None:
            domains = domains & implied
        area = None if intent in _AREA_IS_NOT_LOCATION else _text(slots.get("area"))
        return cls(
            name=name,
            area=area,
            floor=_text(slots.get("floor")),
            domains=domains,
            device_classes=_text_set(slots.get("device_class")),
            option=_text(slots.get("option")) if intent == "HassSelectOption" else None,
        )

    def without_area(self) -> _Constraints:
        return replace(self, area=None)

    def with_stand_in(self, stand_in: _StandIn) -> _Constraints:
        return replace(self, domains=frozenset({stand_in.domain}), device_classes=None, name_phrases=stand_in.phrases)

    @property
    def has_constraints(self) -> bool:
        return bool(self.name or self.area or self.floor or self.domains or self.device_classes)


def _match(registry: Registry, constraints: _Constraints, area_context: str | None, intent: str | None) -> list[Entity]:
    if not constraints.has_constraints:
        # Like Home Assistant: never target every device of the home at once.
        return []
    candidates = [e for e in registry if constraints.domains is None or e.component in constraints.domains]
    if constraints.option is not None:
        candidates = [e for e in candidates if _has_option(e, constraints.option)]
    if constraints.name_phrases:
        candidates = [e for e in candidates if _named_for(e, constraints.name_phrases)]
    if constraints.name is not None:
        candidates = _filter_by_name(registry, candidates, constraints.name, constraints.area or area_context)
    if constraints.floor is not None:
        floor_areas = _floor_areas(registry, constraints.floor)
        candidates = [e for e in candidates if e.area and normalize_name(e.area) in floor_areas]
    if constraints.area is not None:
        area = registry.find_area(constraints.area)
        if area is None:
            return []
        key = normalize_name(area)
        candidates = [e for e in candidates if e.area and normalize_name(e.area) == key]
    if constraints.device_classes is not None:
        classed = [e for e in candidates if e.device_class in constraints.device_classes]
        if constraints.device_classes <= _BLINDS:
            # "Close all the blinds" with the "Cab Blackout Blind" announced as a shade: named one.
            classed += [e for e in candidates if e not in classed and e.device_class in _BLINDS
                        and any(re.search(r"\bblinds?$", normalize_name(n)) for n in e.names)]
        if not classed and constraints.device_classes <= _BLINDS:
            # Blinds in British English are shades in American: "close the blinds" closes shades.
            classed = [e for e in candidates if e.device_class in _BLINDS]
        if not classed and constraints.device_classes <= _WINDOW_COVERINGS:
            # Zigbee2MQTT's roller blinds announce no device class: "the blinds" are still them.
            classed = [e for e in candidates if e.component == "cover" and e.device_class is None]
        if not classed and constraints.device_classes == {"door"} and constraints.area is not None:
            # "Open the door" in the garage: its garage door, announced as a garage, not a door.
            classed = [e for e in candidates if e.device_class in ("garage", "gate") and _DOOR.search(e.name.lower())]
        if "window" in constraints.device_classes and constraints.name is None:
            # "Close all the windows" leaves the sunroof: a roof announced as a window is not one
            # of the windows people mean.
            classed = [e for e in classed if not any(_ROOF.search(normalize_name(n)) for n in e.names)]
        candidates = classed
    if constraints.option is not None and constraints.name is None and constraints.area is None and len(candidates) > 1:
        # "Switch to pulse mode" in the rear left seat: its massage programme, not every seat's;
        # said where none of them is, it is not known which one.
        candidates = [e for e in candidates if area_context and _same_area(e.area, area_context)]
    grouped = constraints.name is not None and normalize_name(constraints.name) in registry.group_names()
    if constraints.name is not None and len(candidates) > 1 and not grouped:
        candidates = _disambiguate(candidates, area_context, intent)
    return candidates


def entities_named(registry: Registry, name: str, area_context: str | None) -> list[Entity]:
    """Every entity that answers to `name` said in `area_context`, by the rules of `_filter_by_name`."""
    return _filter_by_name(registry, registry, name, area_context)


def _filter_by_name(
    registry: Registry, candidates: Iterable[Entity], name: str, area_context: str | None
) -> list[Entity]:
    """Entities by name; else the one the speaker's room calls that ("the ceiling light" said in
    the living room is its "Living Room Ceiling", not the hall's light whose own name is "Ceiling
    Light"); else by alias; else a group or another name ("the heated seat")."""
    key = normalize_name(name)
    pool = list(candidates)
    by_name = [e for e in pool if normalize_name(e.name) == key]
    if by_name:
        return by_name
    in_room = registry.room_names(area_context).get(key) if area_context else None
    if in_room is not None and in_room in pool:
        return [in_room]
    by_alias = [e for e in pool if any(normalize_name(alias) == key for alias in e.aliases)]
    if by_alias:
        return by_alias
    group = registry.group_names().get(key)
    if group:
        members = [e for e in pool if e in group]
        # "Turn on the reading lights" in the middle row, which has two of them: those two.
        local = [e for e in members if _same_area(e.area, area_context)]
        return local if len(local) > 1 and not key.startswith("all ") else members
    in_house = registry.house_room_names().get(key)
    return [e for e in pool if e is in_house or key in registry.other_names(e)]


def _disambiguate(candidates: list[Entity], area_context: str | None, intent: str | None) -> list[Entity]:
    """Several entities answer to the name: prefer the speaker's area, else act on none."""
    if area_context:
        key = normalize_name(area_context)
        local = [e for e in candidates if e.area and normalize_name(e.area) == key]
        if local:
            candidates = local
    if len(candidates) == 1:
        return candidates
    if intent in ("HassTurnOn", "HassTurnOff", "HassToggle"):
        # "Turn on the white noise": the machine's power switch, not its sound select or volume.
        powered = [e for e in candidates if e.component in _POWER_COMPONENTS]
        settings = [e for e in candidates if e.component in ("select", "number", "button")]
        if len(powered) == 1 and len(powered) + len(settings) == len(candidates):
            return powered
    intent_spec = spec(intent) if intent else None
    if intent_spec is not None and not intent_spec.changes_devices:
        return candidates
    return []


_POWER_COMPONENTS = frozenset({"light", "switch", "fan", "humidifier", "siren", "climate", "water_heater"})


def _has_hvac_mode(entity: Entity, mode: str) -> bool:
    try:
        hvac_mode(entity, mode)
    except ActionError:
        return False
    return True


def _floor_areas(registry: Registry, floor: str) -> set[str]:
    key = normalize_name(floor)
    for name, areas in registry.all_floors().items():
        if normalize_name(name) == key:
            return {normalize_name(area) for area in areas}
    return set()


def _has_option(entity: Entity, option: str) -> bool:
    options = entity.config.get("options") or []
    key = normalize_name(option)
    return any(normalize_name(str(o)) == key for o in options)


def _named_for(entity: Entity, phrases: Collection[str]) -> bool:
    names = [f" {normalize_name(n)} " for n in entity.names]
    return any(f" {phrase} " in name for phrase in phrases for name in names)


def _called_the_kind(here: list[Entity], domains: frozenset[str] | None, said: str) -> Entity | None:
    """The one switch of the room whose name is the kind of device said ("Extractor Fan")."""
    if domains is None or len(domains) != 1:
        return None
    words = [w for w in _KIND_NOUNS.get(next(iter(domains)), ()) if re.search(rf"\b{w}\b", said)]
    called = [e for e in here if e.component == "switch" and any(
        normalize_name(n).split()[-1:] == [w] for n in e.names for w in words)]
    return called[0] if len(called) == 1 else None


_KIND_NOUNS: dict[str, tuple[str, ...]] = {"fan": ("fan",), "climate": ("heater", "radiator")}
"""Words that Home Assistant's sentences read as a domain but that also end a plain switch's name."""


def _named_like(entities: list[Entity], said: str) -> list[Entity]:
    """The one of `entities` whose names share the most words with `said` ("lock the doors": the
    "Door Locks", not the "Child Lock"), else all of them."""
    shared = [_shared_words(e, said) for e in entities]
    most = max(shared, default=0)
    named = [e for e, n in zip(entities, shared, strict=True) if n == most]
    return named if most and len(named) == 1 else entities


def _shares_a_word(entity: Entity, said: str) -> bool:
    return _shared_words(entity, said) > 0


def _shared_words(entity: Entity, said: str) -> int:
    """How many words of four letters or more of `said` are its names' (plural or not); the car or
    the van said is its doors ("lock the car")."""
    said = re.sub(r"\b(?:car|van|vehicle|truck)\b", "door", normalize_name(said))
    spoken = {word.removesuffix("s") for word in said.split() if len(word) > 3}
    return len(spoken & {w.removesuffix("s") for n in entity.names for w in normalize_name(n).split()})


def _same_area(area: str | None, area_context: str | None) -> bool:
    return area is not None and area_context is not None and normalize_name(area) == normalize_name(area_context)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _text_set(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    values = value if isinstance(value, list | tuple | set | frozenset) else [value]
    texts = frozenset(t for t in (_text(v) for v in values) if t)
    return texts or None
