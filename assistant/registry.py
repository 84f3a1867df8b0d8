"""The devices the assistant can control: names, areas, capabilities and current state.

Entities come from Home Assistant MQTT discovery (see `assistant.discovery`) and from `devices:` in
the config, written with the same keys as a discovery payload. The registry is owned by one thread
(the pipeline's); MQTT callbacks hand messages over instead of calling it directly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

# Home Assistant MQTT platforms the assistant can drive or read.
COMPONENTS: frozenset[str] = frozenset(
    {
        "alarm_control_panel",
        "binary_sensor",
        "button",
        "climate",
        "cover",
        "fan",
        "humidifier",
        "lawn_mower",
        "light",
        "lock",
        "number",
        "scene",
        "select",
        "sensor",
        "siren",
        "switch",
        "text",
        "vacuum",
        "valve",
        "water_heater",
    }
)


def normalize_name(text: str) -> str:
    """Lower-case, accent-free, punctuation-free form used to compare names."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^\w\s]", " ", text.lower().replace("_", " "))
    return " ".join(text.split())


@dataclass
class Entity:
    """One controllable or readable thing, as Home Assistant would see it.

    `config` is the discovery payload with abbreviations expanded and `~` substituted, so code
    reads `config["command_topic"]`, never `cmd_t`. `state` holds the last known state: the key
    "state" for the main state ("on", "locked", "open", "heat", a number...) and attribute keys
    ("brightness" on the device's own scale, "position", "temperature", "current_temperature",
    "percentage", "hvac_mode", "fan_mode", "preset_mode", "rgb", "color_temp"...).
    """

    unique_id: str
    component: str
    object_id: str
    name: str
    config: dict[str, Any]
    area: str | None = None
    aliases: list[str] = field(default_factory=list)
    device_name: str | None = None
    device_class: str | None = None
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def entity_id(self) -> str:
        return f"{self.component}.{self.object_id}"

    @property
    def names(self) -> list[str]:
        """The name and every alias, as people say them."""
        return [self.name, *self.aliases]


class Registry:
    """All known entities, indexed by unique id, with lookup by area and state topic."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        self.areas: dict[str, list[str]] = {}
        """Known areas: canonical name -> aliases (from config and from devices)."""
        self.floors: dict[str, list[str]] = {}
        """Known floors: name -> the areas on it."""

    def __iter__(self) -> Iterator[Entity]:
        return iter(list(self._entities.values()))

    def __len__(self) -> int:
        return len(self._entities)

    def get(self, unique_id: str) -> Entity | None:
        return self._entities.get(unique_id)

    def by_entity_id(self, entity_id: str) -> Entity | None:
        for entity in self._entities.values():
            if entity.entity_id == entity_id:
                return entity
        return None

    def upsert(self, entity: Entity) -> Entity:
        """Add or replace an entity; the known state survives a re-announcement."""
        previous = self._entities.get(entity.unique_id)
        if previous is not None and not entity.state:
            entity.state = previous.state
        self._entities[entity.unique_id] = entity
        if entity.area and entity.area not in self.areas:
            self.areas[entity.area] = []
        return entity

    def remove(self, unique_id: str) -> Entity | None:
        return self._entities.pop(unique_id, None)

    def in_area(self, area: str) -> list[Entity]:
        key = normalize_name(area)
        return [e for e in self._entities.values() if e.area and normalize_name(e.area) == key]

    def of_component(self, *components: str) -> list[Entity]:
        return [e for e in self._entities.values() if e.component in components]

    def find_area(self, spoken: str) -> str | None:
        """The canonical area for a spoken area name or alias, if any."""
        key = normalize_name(spoken)
        for area, aliases in self.areas.items():
            if key == normalize_name(area) or key in (normalize_name(a) for a in aliases):
                return area
        return None

    def other_names(self, entity: Entity) -> list[str]:
        """Its heating said as a heater ("Steering Wheel Heating" is the "heated steering wheel"),
        and a lock or plug without the word for its kind (the "Front Door Lock" is "the front
        door" when it is locked or unlocked)."""
        known = {normalize_name(n) for n in entity.names}
        derived = [v for n in entity.names for v in _heating_variants(normalize_name(n))]
        suffix = _KIND_SUFFIX.get(entity.component)
        if suffix is not None:
            derived += [suffix.sub("", normalize_name(n)) for n in entity.names if suffix.search(normalize_name(n))]
        if entity.component == "button":
            # "Restart Router" is pressed by "restart the router".
            spaced = [normalize_name(n) for n in entity.names if " " in n.strip()]
            derived += [re.sub(r"^(\w+) (?!the )", r"\1 the ", n) for n in spaced]
        return [n for n in dict.fromkeys(derived) if n not in known and n and n not in _GROUP_WORDS]

    def group_names(self) -> dict[str, list[Entity]]:
        """"The rear windows": the devices of one kind that share a word of their names.

        Only for two or more devices of the same platform, and never for a word that is an area or
        a floor (Home Assistant's sentences already say "the kitchen lights", "the rear windows").
        """
        area_words = {normalize_name(a) for area, aliases in self.areas.items() for a in (area, *aliases)}
        area_words |= {normalize_name(floor) for floor in self.floors}
        groups: dict[str, list[Entity]] = {}
        for entity in self:
            for name in {normalize_name(n) for n in entity.names}:
                *modifiers, kind = name.split() or [""]
                plural = kind if kind.endswith("s") else f"{kind}s"
                for word in dict.fromkeys(modifiers):
                    if word not in area_words and word not in ("the", "my", "and"):
                        members = groups.setdefault(f"{word} {plural}", [])
                        if entity not in members:
                            members.append(entity)
        return {
            name: members
            for name, members in groups.items()
            if len(members) > 1 and len({e.component for e in members}) == 1
        }

    def names_in_room(self, entity: Entity) -> list[str]:
        """What it is called by someone in its own area: its name without the room.

        "Kitchen Ceiling Light" said in the kitchen is "the ceiling light"; a car's "Driver Seat
        Heating" is "my seat heater" from the driver's seat; the light "Living Room Ceiling" is
        "the ceiling light" in the living room. These names hold only in the entity's own area
        (`assistant/nlu/targets.py`), and never a word for a group of devices ("the light",
        "the window" stay Home Assistant's area-and-kind sentences), but "the lamp" in a living room
        with a "Living Room Lamp" and a ceiling light is that lamp.
        """
        known = {normalize_name(n) for n in entity.names}
        rooms = [normalize_name(a) for a in (entity.area, *self.areas.get(entity.area or "", ())) if a]
        derived: list[str] = []
        for name in (normalize_name(n) for n in entity.names):
            for room in rooms:
                bare = ""
                if name.startswith(room + " "):
                    bare = name[len(room) + 1:]
                elif name.endswith(" " + room):
                    bare = name[: -len(room) - 1]
                if not bare:
                    continue
                derived.extend(_heating_variants(bare))
                if entity.component == "light" and not _LIGHT_WORD.search(bare):
                    derived.append(f"{bare} light")
        return [n for n in dict.fromkeys(derived) if n not in known and n not in _KIND_WORDS]

    def state_topics(self) -> dict[str, list[tuple[Entity, str]]]:
        """Every topic to subscribe to for state, mapped to (entity, config key naming the topic)."""
        topics: dict[str, list[tuple[Entity, str]]] = {}
        for entity in self._entities.values():
            for key, value in entity.config.items():
                if key.endswith("_topic") and isinstance(value, str) and _is_state_key(key):
                    topics.setdefault(value, []).append((entity, key))
            availability = entity.config.get("availability")
            for index, item in enumerate(availability if isinstance(availability, list) else []):
                if isinstance(item, dict) and isinstance(item.get("topic"), str):
                    topics.setdefault(item["topic"], []).append((entity, f"availability.{index}"))
        return topics

    def extend(self, entities: Iterable[Entity]) -> None:
        for entity in entities:
            self.upsert(entity)


def _is_state_key(key: str) -> bool:
    return key == "state_topic" or key.endswith("_state_topic") or key in {
        "position_topic",
        "current_temperature_topic",
        "current_humidity_topic",
        "json_attributes_topic",
        "availability_topic",
        "tilt_status_topic",
        "action_topic",
    }


def _heating_variants(name: str) -> list[str]:
    """"seat heating" -> "seat heating", "seat heater", "heated seat"; other names as they are."""
    for word in ("heating", "heater", "heat"):
        if name.endswith(" " + word):
            base = name[: -len(word) - 1]
            return [name, f"{base} heating", f"{base} heater", f"heated {base}"]
    if name.startswith("heated "):
        base = name[len("heated "):]
        return [name, base, f"{base} heating", f"{base} heater"]
    return [name]


_KIND_SUFFIX: dict[str, re.Pattern[str]] = {
    "lock": re.compile(r" (?:smart )?lock$"),
    "switch": re.compile(r" (?:switch|plug|smart plug|socket|relay|outlet)$"),
}

_LIGHT_WORD = re.compile(r"\b(?:lights?|lamps?|bulbs?|lighting|led|leds|strip)\b")

_GROUP_WORDS = frozenset(
    "light lights lighting lamps fans windows blinds curtains shades doors locks switches plugs sockets covers "
    "valves sensors heating".split()
)
"""Words Home Assistant's sentences read as all of a kind in an area, never as one device's name:
"turn off the light" in a kitchen with two is both, as in Home Assistant."""

_KIND_WORDS = _GROUP_WORDS | frozenset(
    "fan window blind curtain shade door garage gate lock switch plug socket heater thermostat tv speaker "
    "sensor temperature humidity humidifier dehumidifier climate cover valve vacuum siren".split()
)
"""Also what Home Assistant's sentences read as the kind of device in the speaker's area ("open
the window", "turn on the fan"), so a device's name without its room is never one of these."""
