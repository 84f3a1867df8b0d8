"""The devices the assistant can control: names, areas, capabilities and current state.

Entities come from Home Assistant MQTT discovery (see `assistant.discovery`) and from `devices:` in
the config, written with the same keys as a discovery payload. The registry is owned by one thread
(the pipeline's); MQTT callbacks hand messages over instead of calling it directly.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from assistant.nlu.numbers import DIGIT_WORDS

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


_T = TypeVar("_T")


def _memoised(method: Callable[..., _T]) -> Callable[..., _T]:
    """A Registry method whose result only changes with the entities and areas."""

    @functools.wraps(method)
    def cached(registry: Registry, *args: Any) -> _T:
        key = (method.__name__, *(a.unique_id if isinstance(a, Entity) else a for a in args))
        return registry.derived(key, lambda: method(registry, *args))

    return cached


class Registry:
    """All known entities, indexed by unique id, with lookup by area and state topic."""

    def __init__(self) -> None:
        self._entities: dict[str, Entity] = {}
        self.areas: dict[str, list[str]] = {}
        """Known areas: canonical name -> aliases (from config and from devices)."""
        self._version = 0
        self._derived: dict[Any, Any] = {}
        self._derived_for: Any = None
        self.floors: dict[str, list[str]] = {}
        """Configured floors: name -> the areas on it (`all_floors` adds the ones area names say)."""

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

    def derived(self, key: Any, compute: Callable[[], _T]) -> _T:
        """`compute()`, kept until an entity or an area changes (names are derived on every match)."""
        signature = (
            self._version,
            tuple((area, tuple(aliases)) for area, aliases in self.areas.items()),
            tuple((floor, tuple(areas)) for floor, areas in self.floors.items()),
        )
        if signature != self._derived_for:
            self._derived, self._derived_for = {}, signature
        if key not in self._derived:
            self._derived[key] = compute()
        return self._derived[key]  # type: ignore[no-any-return]

    def upsert(self, entity: Entity) -> Entity:
        """Add or replace an entity; the known state survives a re-announcement.

        Entity ids are unique, as in Home Assistant: seven Zigbee2MQTT radiator valves that all
        announce the object id "climate" become climate.climate, climate.climate_2, ...
        """
        self._version += 1
        taken = {e.entity_id for unique_id, e in self._entities.items() if unique_id != entity.unique_id}
        if entity.entity_id in taken:
            number = 2
            while f"{entity.component}.{entity.object_id}_{number}" in taken:
                number += 1
            entity.object_id = f"{entity.object_id}_{number}"
        previous = self._entities.get(entity.unique_id)
        if previous is not None and not entity.state:
            entity.state = previous.state
        self._entities[entity.unique_id] = entity
        if entity.area and entity.area not in self.areas:
            self.areas[entity.area] = []
        return entity

    def remove(self, unique_id: str) -> Entity | None:
        self._version += 1
        return self._entities.pop(unique_id, None)

    def in_area(self, area: str) -> list[Entity]:
        key = normalize_name(area)
        return [e for e in self._entities.values() if e.area and normalize_name(e.area) == key]

    def of_component(self, *components: str) -> list[Entity]:
        return [e for e in self._entities.values() if e.component in components]

    def find_area(self, spoken: str) -> str | None:
        """The canonical area for a spoken area name or alias, if any ("the dining" is the
        Dining Room: `short_area_names`)."""
        key = normalize_name(spoken)
        for area, aliases in self.areas.items():
            if key == normalize_name(area) or key in (normalize_name(a) for a in aliases):
                return area
        return self.short_area_names().get(key)

    @_memoised
    def all_floors(self) -> dict[str, list[str]]:
        """The configured floors, and the ones the areas' names say: "outside" (also "outdoor",
        "outdoors", "exterior") is every garden, porch, patio, driveway...; "upstairs" and
        "downstairs" are the areas with that word in their names. Home Assistant's sentences then
        say "turn on the outside lights" and "turn off the lights upstairs"."""
        floors = {name: list(areas) for name, areas in self.floors.items()}
        taken = {
            normalize_name(n) for n in (*floors, *(a for area, aliases in self.areas.items() for a in (area, *aliases)))
        }
        outdoor = [area for area in self.areas if _OUTDOOR_AREA_WORDS & set(normalize_name(area).split())]
        said = {
            word: [area for area in self.areas if word in normalize_name(area).split()]
            for word in ("upstairs", "downstairs")
        }
        for names, areas in (((*_OUTDOOR_FLOOR_NAMES,), outdoor), *(((word,), areas) for word, areas in said.items())):
            for name in names:
                if areas and name not in taken:
                    floors[name] = areas
        return floors

    @_memoised
    def rear_area(self) -> str | None:
        """What "the back" of a car is: its one area named for the rear, else its second row."""
        for tier in _BACK_AREAS:
            behind = [area for area in self.areas if normalize_name(area) in tier]
            if behind:
                return behind[0] if len(behind) == 1 else None
        return None

    @_memoised
    def short_area_names(self) -> dict[str, str]:
        """ "Dining" for the Dining Room, "office" for the Home Office, "passenger" for the Front
        Passenger seat: an area answers to its first word before "room", or to its last word, when
        no other area or device is called that. It also answers to the other words for its kind
        of room (`_AREA_SYNONYMS`: "the lounge" is the Living Room) when no other area is one."""
        taken = {normalize_name(n) for e in self for n in e.names}
        taken |= {normalize_name(a) for area, aliases in self.areas.items() for a in (area, *aliases)}
        words = [normalize_name(area).split() for area in self.areas]
        short: dict[str, str] = {}
        for area, spoken in zip(self.areas, words, strict=True):
            if len(spoken) < 2:
                continue
            candidates = [" ".join(spoken[:-1])] if spoken[-1] == "room" else [spoken[-1]]
            for word in candidates:
                shared = sum(word in other for other in words) > 1
                numbered = word.isdigit() or word in DIGIT_WORDS.values()  # "2" of "Bedroom 2" is a number
                if word not in taken and not shared and word not in _AREA_WORDS and not numbered:
                    short[word] = area
        behind = self.rear_area()
        if behind is not None:
            short.update({word: behind for word in _BACK_WORDS if word not in taken and word not in short})
        for same in _AREA_SYNONYMS:
            owners = [area for area, spoken in zip(self.areas, words, strict=True) if " ".join(spoken) in same]
            if len(owners) == 1:
                short.update({word: owners[0] for word in same if word not in taken and word not in short})
        return short

    @_memoised
    def other_names(self, entity: Entity) -> list[str]:
        """What it answers to anywhere besides its names:
        - its heating as a heater ("Steering Wheel Heating" is the "heated steering wheel");
        - a light's "lamp" as "light" and back, unless that is an area's lights;
        - everyday synonyms ("the telly" for the "TV Plug");
        - a light by the first word of its name and its kind ("the patio lights");
        - the last word of its name when no other device has it ("the sunshade");
        - a select, number or button by its device when the device has one ("the heat pump"),
          and a number without its unit ("the hot water boost");
        - a lock or plug without the word for its kind ("the front door");
        - a button as the command it names ("restart the router"), or as its own name on its
          device ("the feed button on the cat feeder")."""
        spoken_names = [normalize_name(n) for n in entity.names]
        known = set(spoken_names)
        derived = [v for n in entity.names for v in _heating_variants(normalize_name(n))]
        if entity.component == "light":
            # "The bed reading lamp" for the "Bed Reading Light", and the other way round.
            for n in (normalize_name(x) for x in entity.names):
                *rest, last = n.split() or [""]
                if rest and last in _LIGHT_SWAPS and self.find_area(" ".join(rest)) is None:
                    # Not "the living room light" for a "Living Room Lamp": that is every light there.
                    derived += [" ".join([*rest, other]) for other in _LIGHT_SWAPS[last]]
        suffix = _KIND_SUFFIX.get(entity.component)
        if suffix is not None:
            spoken = [normalize_name(n) for n in entity.names]
            derived += [
                plain
                for plain in (suffix.sub("", n) for n in spoken if suffix.search(n))
                if entity.component != "light" or self.find_area(plain) is None
            ]
        for n in (normalize_name(x) for x in entity.names):
            # "The left bedside lamp" for "Bedroom Bedside Left", "the rear left reading light" for
            # "Reading Light Rear Left": the side said first, as people do.
            words = n.split()
            cut = len(words)
            while cut > 1 and words[cut - 1] in _SIDE_WORDS:
                cut -= 1
            if cut == len(words) and len(words) > 2 and self.find_area(words[-1]) is not None:
                cut -= 1  # "Reading Light Driver" is the "driver reading light"
            if 0 < cut < len(words):
                rest = words[:cut]
                if self.find_area(rest[0]) is not None and len(rest) > 1:
                    rest = rest[1:]
                moved = " ".join([*words[cut:], *rest])
                derived.append(moved)
                if entity.component == "light" and rest[-1] not in _LIGHT_WORDS:
                    derived += [f"{moved} lamp", f"{moved} light"]
        for n in spoken_names:
            words = n.split()
            if len(words) > 1 and words[0] in _DEFROST_WORDS:
                # "The windscreen defroster" for "Defrost Windscreen".
                derived += [f"{' '.join(words[1:])} {word}" for word in _DEFROST_WORDS]
            if len(words) > 1 and words[-1] in _SEAT_CODE_WORDS:
                # "The rear left window" for "Window RL", "the rear left seat heating" for
                # "Seat Heating RL": a seat's code said in words, before the name.
                side = _SEAT_CODE_WORDS[words[-1]]
                derived += [f"{side} {' '.join(words[:-1])}", f"{' '.join(words[:-1])} {side}"]
        owner = self._owner(entity)
        if owner is not None:
            # "Tom's lamp" for "Tom's Desk Lamp", "Ben's heater" for the "Heater" in Ben's Room,
            # "Priya's fairy lights" for "Priya Fairy Lights" there.
            for n in (normalize_name(x) for x in entity.names):
                rest = [w for w in n.split() if w not in (owner, "s", "room", "bedroom")]
                derived += [f"{owner} {' '.join(rest[i:])}" for i in range(len(rest))]
        if entity.component == "climate":
            # "The driver side", "the passenger temperature", "passenger to 20" for the "Passenger
            # Climate" of a cab whose two zones share one area.
            for words in (normalize_name(x).split() for x in entity.names):
                if len(words) > 1 and words[-1] in _ZONE_WORDS and self.find_area(" ".join(words[:-1])) is None:
                    zone = " ".join(words[:-1])
                    derived += [f"{zone} {other}" for other in sorted(_ZONE_WORDS) if other != words[-1]]
                    if len(words) == 2 and words[0] in _SEAT_WORDS:
                        derived.append(zone)
        area_words = set(normalize_name(entity.area or "").split()) | {"room"}
        if entity.component == "light" and (
            _OVERHEAD.search(" ".join(normalize_name(x) for x in entity.names))
            or any(set(normalize_name(x).split()) - {"light"} <= area_words for x in entity.names)
        ):
            # "The big light": a room's ceiling (main, overhead) light, in British English, or the
            # light named for the room ("Ben Room Light"), which is its ceiling light too.
            derived += ["big light", "main light"]
            if not _OVERHEAD.search(" ".join(normalize_name(x) for x in entity.names)):
                derived.append("ceiling light")
        if entity.component == "cover" and any(n.endswith("tailgate") for n in spoken_names) and not any(
            re.search(r"\b(?:boot|trunk|frunk)\b", normalize_name(n)) for other in self for n in other.names
        ):
            # A minivan's or an estate's tailgate is its boot (trunk); not a pickup's beside a frunk.
            derived += ["boot", "trunk", "boot lid", "trunk lid"]
        own = normalize_name(str(entity.config.get("name") or ""))
        if (
            entity.device_name
            and (own in _COUNTED_KINDS or own in _KIND_WORDS)
            and own not in spoken_names
            and self.find_area(entity.device_name) is None
        ):
            # The "Window" of the device "Partition" is "the partition": the device's name tells it.
            derived.append(normalize_name(entity.device_name))
        if entity.component == "fan":
            # "The roof vent" for the "Roof Vent Fan" (not "the ceiling" for a "Ceiling Fan").
            derived += [n.removesuffix(" fan") for n in spoken_names if n.endswith(" fan") and len(n.split()) > 2]
        if entity.component in ("light", "climate", "switch", "fan", "cover"):
            # "The patio lights" for the "Patio String Lights", "the diesel heater" for the
            # "Diesel Night Heater", "the left door" for the "Left Sliding Door": the first word
            # and the kind.
            for words in (normalize_name(x).split() for x in entity.names):
                kind = words[-1] in _LIGHT_WORDS or words[-1] in _COUNTED_KINDS
                if len(words) > 2 and kind and self.find_area(words[0]) is None and not any(
                    other is not entity and other.component == entity.component
                    and normalize_name(other.name).startswith(words[0] + " ")
                    for other in self
                ):
                    # Not "the van light" when every board's light's name starts with "Van"; "the
                    # byre lights" for "Byre Strip Lights" beside the "Byre Heater".
                    derived.append(f"{words[0]} {words[-1]}")
        if entity.component == "light":
            # "The ambient lights", "the LED strip" for the "Ambient Strip".
            for n in spoken_names:
                if n.endswith(" strip"):
                    derived += [f"{n.removesuffix(' strip')} {kind}" for kind in ("lights", "light", "leds")]
                    derived += ["led strip", "light strip"]
        if entity.component == "light" and not any(_LIGHT_WORD.search(normalize_name(x)) for x in entity.names):
            # "The footwell light" for the light "Footwell Ambient": its name, or its first word,
            # said with "light".
            # (Home Assistant's sentences already say "the play corner light" for "Play Corner".)
            # "The ceiling light" for a light named "Ceiling".
            for words in (normalize_name(x).split() for x in entity.names):
                if words and self.find_area(words[0]) is None:
                    derived.append(f"{words[0]} light")
        derived += [v for x in spoken_names for v in [*_kind_last(x), *self._owner_first(x)]]
        for n in [*(normalize_name(x) for x in entity.names), *derived]:
            for word, others in _SYNONYMS.items():
                if re.search(rf"\b{word}\b", n):
                    derived += [re.sub(rf"\b{word}\b", other, n) for other in others]
        derived += _unique_nouns(self, entity)
        if entity.component == "valve" and entity.device_class in (None, "water"):
            # "Turn on the front lawn sprinklers" for the valve "Front Lawn" of a sprinkler controller.
            # "The irrigation valve" for "Garden Irrigation" in the garden: without the area's word.
            area = normalize_name(entity.area or "")
            spoken = {normalize_name(n) for n in entity.names}
            spoken |= {n.removeprefix(area + " ") for n in spoken if area and n.startswith(area + " ")}
            derived += [f"{n} {word}" for n in spoken for word in _WATERING_WORDS
                        if not n.endswith(word) and n.split()[-1] != word.split()[0]]
        if entity.component in ("select", "number", "button"):
            # "Set the heat pump to hot water only", "ring the doorbell": a device's one setting or
            # button, by the device.
            same_device = [e for e in self if e.device_name == entity.device_name and e.component == entity.component]
            if entity.device_name and len(same_device) == 1:
                derived.append(normalize_name(entity.device_name))
            # "The hot water boost" for the number "Hot Water Boost Minutes", "the hot water" for
            # "Hot Water Target".
            spoken = [normalize_name(n) for n in entity.names]
            derived += [_UNIT_SUFFIX.sub("", n) for n in spoken if _UNIT_SUFFIX.search(n)]
            if entity.component == "select":
                # "Set the fridge to eco" for the "Fridge Mode".
                derived += [n.removesuffix(" mode") for n in spoken if n.endswith(" mode")]
        if entity.component == "button" and entity.device_name:
            # "Hit the feed button on the cat feeder" for "Cat Feeder Feed"; "the feeder button"
            # for "Barn Feeder Dispense", the one button of its device.
            device = normalize_name(entity.device_name)
            siblings = [e for e in self if e.component == "button" and e.device_name == entity.device_name]
            if siblings == [entity]:
                derived += [f"{device} button", f"{device.split()[-1]} button"]
            for n in (normalize_name(x) for x in entity.names):
                if n.startswith(device + " "):
                    derived.append(f"{n[len(device) + 1:]} button on the {device}")
        if entity.component == "button":
            # "Restart Router" is pressed by "restart the router", "Doorbell Chime Test" by "test
            # the doorbell chime".
            spaced = [normalize_name(n) for n in entity.names if " " in n.strip()]
            # "Start preconditioning" for the button "Precondition".
            derived += [f"{n}ing" for n in known if re.fullmatch(r"[a-z]{4,}[^aeiouy\s]", n)]
            # "Honk the horn" for the button "Horn and Flash": each thing it does.
            derived += [part for n in spaced for part in n.split(" and ") if " and " in n]
            for n in spaced:
                *rest, last = n.split()
                if last in _TRAILING_COMMANDS:
                    # "Leveling Jacks Retract": "retract the leveling jacks", "retract the jacks".
                    derived += [f"{last} the {' '.join(rest)}", f"{last} the {rest[-1]}"]
                elif rest[0] in LEADING_COMMANDS and rest[1:2] not in (["the"], ["my"]) and last not in _PARTICLES:
                    derived.append(f"{rest[0]} the {' '.join([*rest[1:], last])}")
        # "The white noise" for the "White Noise Machine", its "Sound" select and its "Volume".
        derived += [re.sub(r" machine\b", "", n) for n in [*known, *derived] if re.search(r". machine\b", n)]
        return [
            n
            for n in dict.fromkeys(derived)
            if n not in known
            and n
            and n not in _GROUP_WORDS
            and not set(n.split()) <= _NO_NAME_WORDS
            and n.split()[-1] not in ("on", "off")
        ]

    def _owner_first(self, name: str) -> list[str]:
        """ "Bedside Lamp Marieke" is "Marieke's bedside lamp": a light named for whose it is last,
        beside another named the same for someone else (never a side, a number, a kind or an area:
        "Desk Lamp Left", "Reading Light Office")."""
        *rest, owner = name.split() or [""]
        if len(rest) < 2 or rest[-1] not in _LIGHT_WORDS or not owner.isalpha() or len(owner) < 3:
            return []
        if owner in _SIDE_WORDS or owner in _KIND_WORDS or owner in _COUNTED_KINDS or owner in _NO_NAME_WORDS:
            return []
        if self.find_area(owner) is not None or not self._named_alike(rest, owner):
            return []
        return [f"{owner} {' '.join(rest)}"]

    @_memoised
    def _names_by_start(self) -> dict[tuple[str, ...], set[str]]:
        starts: dict[tuple[str, ...], set[str]] = {}
        for entity in self:
            for words in (normalize_name(n).split() for n in entity.names):
                if len(words) > 1:
                    starts.setdefault(tuple(words[:-1]), set()).add(words[-1])
        return starts

    def _named_alike(self, rest: list[str], owner: str) -> bool:
        """Whether another device is named the same but for its last word ("Bedside Lamp Joost"
        beside "Bedside Lamp Marieke"): then the last word says whose, not what kind."""
        return bool(self._names_by_start().get(tuple(rest), set()) - {owner})

    def _owner(self, entity: Entity) -> str | None:
        """Whose it is: the person of its room ("Tom's Room") or of its name ("Tom's Desk Lamp")."""
        for spoken in (entity.area or "", entity.name):
            owned = re.match(r"(\w+)['’]s\b", spoken.strip())
            if owned is not None and owned.group(1).lower() not in _NOT_OWNERS:
                return owned.group(1).lower()
        return None

    def owns_nothing(self, text: str) -> bool:
        """Whether `text` names someone's device ("Jake's light") and no name or area here has
        that someone in it ("Tom's Desk Lamp", "Priya's Room")."""
        def every_word() -> set[str]:
            spoken = [*(n for e in self for n in e.names), *(a for area, v in self.areas.items() for a in (area, *v))]
            return {w for said in spoken for w in normalize_name(said).split()}

        words = self.derived("words", every_word)
        return any(
            owner.lower() not in words and owner.lower() not in _NOT_OWNERS for owner in _PERSONS_DEVICE.findall(text)
        )

    @_memoised
    def group_names(self) -> dict[str, list[Entity]]:
        """ "The rear windows": the devices of one kind that share a word of their names; "the
        demisters": all of a kind that is no area's kind (not "the lights", which Home Assistant's
        sentences read per area).

        Only for two or more devices of the same platform, and never for a word that is an area or
        a floor with devices of the kind (Home Assistant's sentences already say "the kitchen
        lights", "the rear windows" there).
        """
        area_words = {normalize_name(a) for area, aliases in self.areas.items() for a in (area, *aliases)}
        area_words |= {normalize_name(floor) for floor in self.floors}
        groups: dict[str, list[Entity]] = {}
        heated: dict[str, list[Entity]] = {}
        for entity in self:
            spoken = {normalize_name(n) for n in entity.names}
            spoken |= {v for n in list(spoken) for v in [*_kind_last(n), *self._owner_first(n)]}
            self._add_to_groups(entity, spoken, groups, area_words)
            # "The rear seat heaters" of "Rear Left Seat Heating" and "Rear Right Seat Heating":
            # only where the names as they are make no group of that name.
            self._add_to_groups(entity, {v for n in spoken for v in _heating_variants(n)} - spoken, heated, area_words)
        for name, members in heated.items():
            groups.setdefault(name, members)
        kinds: dict[str, list[Entity]] = {}
        for entity in self:
            for name in {v for n in entity.names for v in _heating_variants(normalize_name(n))}:
                plural = _PLURALS.get(name.split()[-1]) if name else None
                if plural is not None and entity not in kinds.setdefault(plural, []):
                    kinds[plural].append(entity)
        for plural, members in kinds.items():
            # "Open both windows", "turn on both seat heaters": the two of a kind the place has.
            if len(members) == 2:
                groups[f"both {plural}"] = members
        kept: dict[str, list[Entity]] = {}
        for name, members in groups.items():
            by_component = Counter(e.component for e in members)
            (most, count), *rest = by_component.most_common()
            if count > 1 and (not rest or rest[0][1] < count):
                # "The rear windows" are the two rear windows, not also the "Rear Window" defroster.
                kept[name] = [e for e in members if e.component == most]
        for name, members in list(kept.items()):
            plain_kind = " " not in name and {name[:-1], name.removesuffix("es")} & _DOMAIN_KINDS
            if not name.startswith("both ") and not plain_kind:
                # "Turn off all the seat heaters": every one of them, wherever it is said ("all the
                # fans" stays Home Assistant's sentence, which prefers the speaker's room).
                kept.setdefault(f"all the {name}", members)
                kept.setdefault(f"all {name}", members)
        return kept

    def _add_to_groups(
        self, entity: Entity, spoken: set[str], groups: dict[str, list[Entity]], area_words: set[str]
    ) -> None:
        """Put `entity` in the groups its `spoken` names make (see `group_names`)."""
        for name in {_without_trailing_side(n) for n in spoken} | spoken:
            *modifiers, kind = name.split() or [""]
            plural = _PLURALS.get(kind)
            if plural is None:
                continue
            if modifiers and kind not in _AREA_KIND_WORDS:
                # "Both demisters": every device of a kind that names no area's devices.
                members = groups.setdefault(plural, [])
                if entity not in members:
                    members.append(entity)
            usable: list[str] = []
            for word in dict.fromkeys(modifiers):
                # An area's word only when that area has none of the kind: "the rear windows"
                # of a car whose "Rear" area holds only the partition.
                area = self.find_area(word) if word in area_words else None
                if word in area_words and area is None:
                    continue  # a floor: "the rear windows" are Home Assistant's floor sentence
                if area is not None and any(
                    e.component == entity.component and normalize_name(n).split()[-1:] == [kind]
                    for e in self.in_area(area) for n in e.names
                ):
                    continue
                if word not in ("the", "my", "and"):
                    usable.append(word)
                    # "Second Row Seats Left Heater": the "seats heaters" and the "seat heaters".
                    spoken_as = (word, word[:-1] if len(word) > 3 and word.endswith("s") else word)
                    # "The back doors" of "Rear Left Door" and "Rear Right Door".
                    for said in dict.fromkeys((*spoken_as, *(("back",) if word == "rear" else ()))):
                        members = groups.setdefault(f"{said} {plural}", [])
                        if entity not in members:
                            members.append(entity)
            for first, second in itertools.combinations(usable, 2):
                # "The rear child locks" of "Rear Left Door Child Lock" and "Rear Right ...".
                members = groups.setdefault(f"{first} {second} {plural}", [])
                if entity not in members:
                    members.append(entity)

    @_memoised
    def house_room_names(self) -> dict[str, Entity]:
        """Room names of two words or more that only one device of the whole house has: "the
        night light" said in the front room is still the nursery's."""
        owners: dict[str, list[Entity]] = {}
        for area in self.areas:
            for name, entity in self.room_names(area).items():
                if len(name.split()) > 1:
                    owners.setdefault(name, []).append(entity)
        taken = {normalize_name(n) for e in self for n in e.names}

        def said_of_another(name: str, entity: Entity) -> bool:
            # "The reading light" is not the driver's from the back seat when "Reading Light 2L"
            # is there too.
            return any(
                f" {name} " in f" {normalize_name(n)} "
                for e in self.of_component(entity.component) if e is not entity for n in e.names
            )

        return {
            n: es[0]
            for n, es in owners.items()
            if len(es) == 1 and n not in taken and not said_of_another(n, es[0])
        }

    @_memoised
    def room_names(self, area: str) -> dict[str, Entity]:
        """What the devices of `area` are called by someone there: the end of their names.

        "Kitchen Ceiling Light" said in the kitchen is "the ceiling light"; a car's "Driver Seat
        Heating" is "my seat heater" from the driver's seat; "Rear Left Reading Light" is "my
        reading light" from the second row; the light "Living Room Ceiling" is "the ceiling
        light". A name shared by two devices of the area names neither, and a word for a kind of
        device never names one ("the light", "the window" stay Home Assistant's area-and-kind
        sentences), but "the lamp" in a room with one lamp and a ceiling light is that lamp.
        These names hold only in their area (`assistant/nlu/targets.py`).
        """
        key = normalize_name(area)
        here = [e for e in self if normalize_name(e.area or "") == key]
        full = {normalize_name(n) for e in here for n in e.names}
        owners: dict[str, list[Entity]] = {}
        for entity in here:
            for name in _name_endings(entity):
                if name not in full and entity not in owners.setdefault(name, []):
                    owners[name].append(entity)
        unitless: dict[str, list[Entity]] = {}
        for entity in here:
            for name in _unitless_endings(entity):
                if name not in full and name not in owners and entity not in unitless.setdefault(name, []):
                    unitless[name].append(entity)
        return {name: entities[0] for name, entities in {**unitless, **owners}.items() if len(entities) == 1}

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
    return (
        key == "state_topic"
        or key.endswith("_state_topic")
        or key
        in {
            "position_topic",
            "current_temperature_topic",
            "current_humidity_topic",
            "json_attributes_topic",
            "availability_topic",
            "tilt_status_topic",
            "action_topic",
        }
    )


def _unitless_endings(entity: Entity) -> list[str]:
    """"The seat heating" for the "Driver Seat Heating Level" in the driver's seat: an ending
    without its unit, where no device there has that name already."""
    endings: list[str] = []
    for words in (normalize_name(n).split() for n in entity.names):
        for start in range(1, len(words)):
            ending = " ".join(words[start:])
            plain = _UNIT_SUFFIX.sub("", ending)
            if plain != ending and " " in plain:
                endings.extend(_heating_variants(plain))
    return [n for n in dict.fromkeys(endings) if n not in _KIND_WORDS]


def _name_endings(entity: Entity) -> list[str]:
    """Every ending of its names, with its heating said as a heater and a light said as one."""
    endings: list[str] = []
    area = normalize_name(entity.area or "")
    suffix = _KIND_SUFFIX.get(entity.component)
    names = [normalize_name(n) for n in entity.names]
    # "The fan light" for the "Family Room Fan Light Dimmer": its name without the word for its kind.
    stripped = [suffix.sub("", n) for n in names if suffix is not None and suffix.search(n)]
    # Not "the family room lights" for the "Family Room Dimmer" alone: that is every light there.
    names += [n for n in stripped if " " in n and set(n.split()) - set(area.split())]
    names += [v for n in names for v in _kind_last(n)]
    for name in names:
        if area and name.endswith(" " + area):
            # "Reading Light Rear Left" in the Rear Left seat is "my reading light" there.
            endings.append(name[: -len(area) - 1])
        words = name.split()
        without_area = [w for w in words if w not in area.split() and not _SEAT_CODE.fullmatch(w)]
        if 1 < len(without_area) < len(words) and words[0] not in area.split():
            # "Seat Driver Heating" in the driver's seat is "my seat heating" there, "Seat 2L Heat
            # Level" in the second row's left seat "my seat heat".
            plain = " ".join(without_area)
            endings += [v for n in dict.fromkeys((plain, _UNIT_SUFFIX.sub("", plain))) for v in _heating_variants(n)]
        for start in range(1, len(words)):
            ending = " ".join(words[start:])
            endings.extend(_heating_variants(ending))
            if entity.component == "light" and not _LIGHT_WORD.search(ending):
                endings += [f"{ending} light"] + ([] if ending.endswith("s") else [f"{ending} lights"])
            if words[start - 1] in _COUNTED_KINDS and start > 1:
                # "My reading light" for the "Reading Light 2L" in that seat: the name up to its
                # kind, without the seat's code after it.
                endings.extend(_heating_variants(" ".join(words[:start])))
            rest = " ".join(words[start:-1])
            if entity.component == "light" and rest and words[-1] in _LIGHT_SWAPS and not area.endswith(rest):
                # "The ceiling light" for the "Living Room Ceiling Bulb" (not "the room light" for
                # the "Living Room Lamp": the words are its room's).
                endings += [f"{rest} {other}" for other in _LIGHT_SWAPS[words[-1]]]
    # "The leds" for the "Tyler LED Strip" in Tyler's room: an ending's everyday words.
    # (Of two words or more: "the defroster" is not the "Rear Demister" beside a "Defrost".)
    endings += [other for n in list(endings) if " " in n for other in _SYNONYMS.get(n, ())]
    return [n for n in dict.fromkeys(endings) if n not in _KIND_WORDS and n not in _PARTICLES and len(n.split()[0]) > 1]


def _without_trailing_side(name: str) -> str:
    """ "Sliding Door Left" -> "sliding door", "Seat Heater Row 2 Left" -> "seat heater": the name
    without the side, row or seat code it ends in, for "the sliding doors", "the seat heaters"."""
    words = name.split()
    while len(words) > 1 and (words[-1] in _SIDE_WORDS or words[-1].isdigit() or words[-1] == "row"
                              or _SEAT_CODE.fullmatch(words[-1])):
        words.pop()
    return " ".join(words)


def _kind_last(name: str) -> list[str]:
    """A builder's kind-first name said the other way round: "Strip Kitchen" is the "kitchen
    strip", "Light Reading Row 2 Left" the "reading light row 2 left" and the "left reading light"."""
    words = name.split()
    if len(words) < 2 or words[0] not in _NAME_FIRST_KINDS or words[1] in _COUNTED_KINDS:
        return []
    turned = [words[1], words[0], *words[2:]]
    sides = [w for w in words[2:] if w in _SIDE_WORDS]
    plain = [f"{words[1]} {words[0]}"]
    return [" ".join(turned), *plain, *([f"{' '.join(sides)} {words[1]} {words[0]}"] if sides else [])]


def _unique_nouns(registry: Registry, entity: Entity) -> list[str]:
    """The last word of its name when no other device's name has it: the "Panoramic Sunshade" is
    "the sunshade"; and the word before its kind: the "Kitchen Extractor Fan" is "the extractor"."""
    words = normalize_name(entity.name).split()
    if entity.component in ("sensor", "binary_sensor") or len(words) < 2:
        # A reading's last word is often an everyday one ("Energy Today"): only devices you act on.
        return []
    nouns = [] if words[-1] in _AREA_KIND_WORDS else [words[-1]]
    if (words[-1] in _COUNTED_KINDS or words[-1] in _KIND_WORDS) and len(words) > 2:
        if registry.find_area(words[-2]) is None and words[-2] not in _NOT_NOUNS:
            nouns.append(words[-2])
    unique = [
        noun
        for noun in nouns
        if len(noun) > 3
        and noun not in _NO_NAME_WORDS
        and noun not in _COMPARATIVE_WORDS
        and not _said_elsewhere(registry, entity, noun)
    ]
    outlet_words = ("socket", "outlet", "plug")
    if words[-1] in outlet_words and not any(_said_elsewhere(registry, entity, w) for w in outlet_words):
        # "The power socket", "the plug" for the one "230V Socket".
        unique += ["socket", "outlet", "plug", "power socket", "power outlet", "plug socket"]
    return unique


_COMPARATIVE_WORDS = frozenset("warmer cooler colder hotter brighter dimmer higher lower faster slower".split())
"""Never a device's name by itself: "warmer please" is no "Towel Warmer", "dimmer" no "Entrance Dimmer"."""
_PARTICLES = frozenset({"up", "down", "on", "off", "in", "out"})
"""Words that end a command verb ("Wake Up"), never a thing to act on."""

_NOT_NOUNS = frozenset("night day morning evening main big small little new old top bottom side back front".split())
"""Words before a kind that say what sort it is, never a name alone ("night night" is bedtime)."""


def _said_elsewhere(registry: Registry, entity: Entity, noun: str) -> bool:
    for other in registry:
        if other.device_name == entity.device_name and other.device_name and other.component != entity.component:
            continue  # the floodlight's own motion mode and on time do not make "floodlight" shared
        if other is not entity and any(noun in normalize_name(n).split() for n in other.names):
            return True
    return False


_HEATED_ON_THEIR_OWN = frozenset({"immersion", "towel rail", "underfloor", "patio"})
"""Heaters called by what they heat alone ("put the immersion on")."""


def _heating_variants(name: str) -> list[str]:
    """ "seat heating" -> "seat heating", "seat heater", "seat heat", "heated seat"; other names as
    they are."""
    for word in ("heating", "heater", "heat"):
        if name.endswith(" " + word):
            base = name[: -len(word) - 1]
            alone = [base] if base in _HEATED_ON_THEIR_OWN else []
            return [name, f"{base} heating", f"{base} heater", f"{base} heat", f"heated {base}", *alone]
    if name.startswith("heated "):
        base = name[len("heated ") :]
        return [name, base, f"{base} heating", f"{base} heater"]
    return [name]


_WATERING_WORDS = (
    "sprinkler", "sprinklers", "valve", "irrigation", "watering", "zone",
    "sprinkler valve", "irrigation valve", "water valve",
)
"""What a water valve is called after the name of the ground it waters."""
_DEFROST_WORDS = ("demister", "defroster", "defrost", "defogger")
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "tv": ("telly", "television"),
    "television": ("tv", "telly"),
    "washing machine": ("washer",),
    "sunroof": ("sun roof",),
    "soft top": ("roof", "top", "hood", "convertible top"),
    "boot": ("trunk",),
    "trunk": ("boot",),
    "tailgate": ("tail gate", "liftgate"),
    "radiator": ("heater",),
    "climate": ("aircon", "air con", "ac", "air conditioning", "air conditioner"),
    "frunk": ("front trunk", "front boot", "frank"),
    "charge port": ("charging port", "charge flap", "charging flap", "charge door"),
    "seat heater": ("seat warmer",),
    "honk": ("honk the horn", "sound the horn", "beep the horn", "horn"),
    "hazard lights": ("hazards", "hazard warning lights", "hazard warnings", "flashers"),
    "usb charging": ("phone charging", "phone charger", "usb charger", "usb", "charger"),
    "usb charger": ("phone charger", "phone charging", "usb charging", "usb", "charger"),
    "panoramic roof": ("sunroof",),
    "led strip": ("leds", "led lights", "led"),
    "led strips": ("leds", "led lights"),
    "cruise speed": ("cruise control", "cruise control speed", "cruise"),
    "charge limit": ("battery charge limit", "charging limit", "battery limit"),
    **{word: tuple(other for other in _DEFROST_WORDS if other != word) for word in _DEFROST_WORDS},
    **{f"front {word}": (f"windscreen {word}", f"windshield {word}") for word in _DEFROST_WORDS},
    **{f"{volts}v": (f"{volts} volt", f"{volts} volts") for volts in ("5", "12", "24", "230", "240")},
}
"""Everyday words for what a device's name says another way ("the telly" for the "TV Plug")."""

_COUNTED = (
    "window light lamp blind door fan plug speaker heater curtain shade bulb spot spotlight socket lock sensor seat"
    " demister defroster radiator sunshade floodlight"
)
_COUNTED_KINDS = frozenset(_COUNTED.split())
_PLURALS: dict[str, str] = {
    **{word: f"{word}s" for word in _COUNTED.split()},
    **{f"{word}s": f"{word}s" for word in _COUNTED.split()},
    "switch": "switches",
    "switches": "switches",
    # A car's zones are one climate to the people in them: "set the rear climate to 21" is both.
    "climate": "climate",
    "climates": "climate",
}
"""Kinds of device said in the plural for a group of them: "the rear windows"."""

_SEAT_CODE_WORDS = {"fl": "front left", "fr": "front right", "rl": "rear left", "rr": "rear right"}
"""A seat's two-letter code in a car gateway's names, said in words."""
_SEAT_CODE = re.compile(r"[1-3][lrc]|[fr][lr]|row[1-3]")
"""A seat or zone written as a code in a car gateway's names: "Seat 2L", "Window FL"."""

_UNIT_SUFFIX = re.compile(
    r" (?:minutes|seconds|hours|percent|level|temperature|mins|secs|time|duration"
    r"|target|setpoint|set point|target temperature|speed)$"
)

_KIND_SUFFIX: dict[str, re.Pattern[str]] = {
    "cover": re.compile(r" (?:cover|lid)$"),
    "lock": re.compile(r" (?:smart )?locks?$"),
    "switch": re.compile(r" (?:switch|plug|smart plug|socket|relay|outlet)$"),
    "light": re.compile(r" (?:dimmer|switch|relay)$"),
}

_LIGHT_WORD = re.compile(r"\b(?:lights?|lamps?|bulbs?|lighting|led|leds|strip)\b")

_GROUP_WORDS = frozenset(
    "light lights lighting lamps fans windows blinds curtains shades doors locks switches plugs sockets covers "
    "valves sensors heating".split()
)
"""Words Home Assistant's sentences read as all of a kind in an area, never as one device's name:
"turn off the light" in a kitchen with two is both, as in Home Assistant."""

_OUTDOOR_AREA_WORDS = frozenset(
    "garden gardens porch patio driveway drive yard backyard frontyard deck terrace veranda verandah balcony "
    "lawn courtyard carport pergola gazebo outside outdoors exterior".split()
)
"""Words that make an area one outside the house (a shed or garage is a building of its own)."""

_LIGHT_WORDS = frozenset({"light", "lights", "lamp", "lamps"})
_LIGHT_SWAPS: dict[str, tuple[str, ...]] = {
    "light": ("lamp", "lighting"),
    "lamp": ("light",),
    "lighting": ("light", "lights"),
    "bulb": ("light", "lamp"),
    "leds": ("lights", "light"),
}
"""What else people call a light by the last word of its name ("the bed reading lamp")."""

_NAME_FIRST_KINDS = frozenset(
    {"strip", "light", "lamp", "fan", "heater", "blind", "socket", "plug", "spots", "climate"}
)
_PERSONS_DEVICE = re.compile(
    r"(?<!^)\b([A-Z]\w+)['’]s (?:\w+ ){0,2}(?:lights?|lamps?|heater|radiator|fan|tv|telly|plug|blind|blinds|room)\b"
)
"""A person by name (capitalised) and their device: "Jake's light", "turn off Priya's lamp"."""
_NOT_OWNERS = frozenset(
    "it that what there here let he she who how where everything nothing everyone somebody someone one today "
    "tonight tomorrow everybody".split()
)
"""Words before "'s" that are a contraction ("it's", "that's"), never someone whose device it is."""
_ZONE_WORDS = frozenset({"climate", "zone", "side", "temperature", "hvac", "ac"})
"""What a car's climate zone is called after its seat: "the driver climate", "the driver side"."""
_SEAT_WORDS = frozenset({"driver", "passenger", "rear", "front", "left", "right"})
_SIDE_WORDS = frozenset(
    {"left", "right", "front", "rear", "back", "middle", "centre", "center", "east", "west", "north", "south"}
)
_OVERHEAD = re.compile(r"\b(?:ceiling|main|overhead|pendant)\b")

_NO_NAME_WORDS = frozenset(
    "on off up down in out to the a an my of at for and time level mode power status state value setting "
    "left right front rear back middle centre center".split()
)
"""Words a derived name never consists of only: "On Time" without its unit is not "the on"."""

LEADING_COMMANDS = frozenset(
    "restart reboot reset open close ring start stop run play flush identify calibrate update refresh feed "
    "trigger toggle sound honk flash wake boost test clean empty locate find retract extend deploy stow call summon"
    " request save vent".split()
)
"""What a button named command first does ("Restart Router" is "restart the router")."""

_TRAILING_COMMANDS = frozenset(
    "test reset restart reboot update refresh identify calibrate flush retract extend deploy stow fold unfold".split()
)
"""What a button named after its thing and then its command does ("Chime Test", "Filter Reset")."""

_AREA_SYNONYMS: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split(", "))
    for group in (
        "living room, lounge, sitting room, front room, family room, drawing room",
        "hallway, hall, corridor, entrance hall, entryway",
        "bathroom, washroom",
        "office, study, home office",
        "utility room, utility, laundry room, laundry",
        "garden, back garden, yard, backyard, back yard",
    )
)
"""Words for the same kind of room, in British and American English."""

_BACK_WORDS = ("back seat", "back seats", "rear seats", "back row")
_BACK_AREAS = (
    frozenset({"rear", "back", "rear seats", "back seats", "rear cabin", "rear seat", "back seat",
               "passenger compartment", "rear compartment"}),
    frozenset({"second row", "2nd row", "middle row", "row 2"}),
    frozenset({"cargo", "cargo area", "load area", "load space", "load bay"}),
)
"""What "the back" is, best first: an area named for the rear, else the second row, else a van's
cargo area. "Back" alone
never names it ("turn it back on"): `assistant/conversation.py` reads "in the back" as that area."""

_OUTDOOR_FLOOR_NAMES = ("outside", "outdoor", "outdoors", "exterior")

_AREA_WORDS = frozenset("room area floor side seat seats zone row level upstairs downstairs".split())
"""Words that name no area by themselves."""

_AREA_KIND_WORDS = _GROUP_WORDS | frozenset(
    "light lamp window door blind curtain shade lock switch plug socket sensor cover valve tv speaker climate "
    "temperature humidity volume brightness mode level speed position".split()
)
"""Kinds whose word means every one of them in the area ("the window"), however few the house has;
"the heater" or "the fan" the house has one of is that one."""
_DOMAIN_KINDS = _AREA_KIND_WORDS | {"fan", "heater", "radiator"}
"""Kinds Home Assistant's own sentences say in the plural ("turn off all the fans")."""

_KIND_WORDS = _GROUP_WORDS | frozenset(
    "fan window blind curtain shade door garage gate lock switch plug socket heater thermostat tv speaker "
    "sensor temperature humidity humidifier dehumidifier climate cover valve vacuum siren volume brightness mode "
    "level speed position".split()
)
"""Also what Home Assistant's sentences read as the kind of device in the speaker's area ("open
the window", "turn on the fan"), so a device's name without its room is never one of these."""

SETTING_WORDS = frozenset(
    "temperature humidity heating heater heat current battery power status state mode level speed position".split()
)
"""Words that say only what a device measures or sets: the "Temperature" of a "Rear Climate" is
no name of its own."""
