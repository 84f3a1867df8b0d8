"""What the small language model may say, as a GBNF grammar built from the house.

The model answers with one short canonical English command, and the grammar admits nothing else:

    none
    turn off Kitchen Light
    turn off lights in Kitchen
    dim lights in here by 20
    set Drive Mode to sport
    start a timer for 5 minutes

Each phrase belongs to exactly one catalogue intent ("unlock" is HassTurnOff on a lock, "dim ...
by 20" is HassLightSetRelative with brightness_step=-20). Plain words rather than `HassTurnOff |
...` codes because a 135M-270M model paraphrases into English far better than into a made-up
notation (measured with bench/slm_bench.py), and the phrases are as short in tokens.

Targets are entity names or aliases exactly as in the registry, or "<domain words> in <area>"
("here" being the speaker's area). Only intents some device can carry out are offered, each with
only the targets whose component can do it; enumerated values (select options, hvac modes, fan
modes, presets) are those of that very entity; numbers have the slot's shape.

Device names are data, never instructions: they only ever appear inside escaped GBNF string
literals, so a name like `x" | root ::= ...` cannot change the grammar.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from assistant.nlu.actions import DEFAULT_WATER_HEATER_MODES
from assistant.nlu.catalogue import INTENTS, IntentSpec
from assistant.registry import Entity, Registry

_LOGGER = logging.getLogger(__name__)

NONE = "none"
"""What the model answers for out-of-scope requests or when it cannot tell."""
HERE = "here"
"""The area word standing for the speaker's own area (resolved by the caller's `area`)."""

# Which components each device intent can act on. Intents absent here (media, ...) have no MQTT
# platform in the registry and are never offered. Each set is within what the templates may resolve
# the intent to (`targets.INTENT_DOMAINS`; a test keeps it so), narrowed to what the model may name.
INTENT_COMPONENTS: dict[str, frozenset[str]] = {
    "HassTurnOn": frozenset(
        {"light", "switch", "fan", "cover", "lock", "valve", "siren", "humidifier", "climate", "water_heater",
         "scene"}
    ),
    "HassTurnOff": frozenset(
        {"light", "switch", "fan", "cover", "lock", "valve", "siren", "humidifier", "climate", "water_heater"}
    ),
    "HassToggle": frozenset({"light", "switch", "fan", "cover", "valve"}),
    "HassLightSet": frozenset({"light"}),
    "HassLightSetRelative": frozenset({"light"}),
    "HassSetPosition": frozenset({"cover", "valve"}),
    "HassSetPositionRelative": frozenset({"cover", "valve"}),
    "HassClimateSetTemperature": frozenset({"climate"}),
    "HassClimateSetTemperatureRelative": frozenset({"climate"}),
    "HassClimateSetFanMode": frozenset({"climate"}),
    "HassClimateSetSwingMode": frozenset({"climate"}),
    "HassClimateSetMode": frozenset({"climate", "water_heater"}),
    "HassClimateGetTemperature": frozenset({"climate", "sensor"}),
    "HassGetState": frozenset(
        {"light", "switch", "fan", "cover", "lock", "valve", "climate", "sensor", "binary_sensor", "select",
         "number", "humidifier", "vacuum", "lawn_mower", "alarm_control_panel", "water_heater", "siren"}
    ),
    "HassFanSetSpeed": frozenset({"fan"}),
    "HassFanSetSpeedRelative": frozenset({"fan"}),
    "HassFanSetPreset": frozenset({"fan"}),
    "HassClimateSetPreset": frozenset({"climate"}),
    "HassVacuumStart": frozenset({"vacuum"}),
    "HassVacuumReturnToBase": frozenset({"vacuum"}),
    "HassLawnMowerStartMowing": frozenset({"lawn_mower"}),
    "HassLawnMowerDock": frozenset({"lawn_mower"}),
    "HassSelectOption": frozenset({"select"}),
    "HassNumberSet": frozenset({"number"}),
    "HassNumberSetRelative": frozenset({"number"}),
    "HassTextSet": frozenset({"text"}),
    "HassNavigate": frozenset({"text"}),
    "HassButtonPress": frozenset({"button"}),
    "HassHumidifierSetHumidity": frozenset({"humidifier"}),
    "HassWaterHeaterSetTemperature": frozenset({"water_heater"}),
    "HassAlarmArm": frozenset({"alarm_control_panel"}),
    "HassAlarmDisarm": frozenset({"alarm_control_panel"}),
}

# Slots whose values are one of the target entity's own list:
# slot -> (config key of the list, its default, config key the entity needs to be commanded).
# Defaults are Home Assistant's MQTT climate defaults.
ENUM_SLOTS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "option": ("options", (), "command_topic"),
    "hvac_mode": ("modes", ("auto", "off", "cool", "heat", "dry", "fan_only"), "mode_command_topic"),
    "fan_mode": ("fan_modes", ("auto", "low", "medium", "high"), "fan_mode_command_topic"),
    "preset_mode": ("preset_modes", (), "preset_mode_command_topic"),
}

TEXT_MAX_CHARS = 60
# Colour names offered to the model; all are in the CSS3 table of assistant.nlu.colors.
COLOR_NAMES: tuple[str, ...] = (
    "red", "green", "blue", "white", "warm white", "cool white", "yellow", "orange", "purple",
    "pink", "cyan", "magenta", "violet", "turquoise", "gold", "lime",
)
ARM_MODES: tuple[str, ...] = ("home", "away", "night", "vacation")

# Value shapes: (GBNF rule body, regex for reading it back).
SHAPES: dict[str, tuple[str, str]] = {
    "percent": ('"100" | [1-9] [0-9]? | "0"', r"100|[1-9][0-9]?|0"),
    "amount": ('"100" | [1-9] [0-9]?', r"100|[1-9][0-9]?"),
    "degrees": ('[1-9] [0-9]? ("." [05])?', r"[1-9][0-9]?(?:\.[05])?"),
    "degree-amount": ('[1-9] ("." "5")? | "0.5" | "1" [0-9]', r"[1-9](?:\.5)?|0\.5|1[0-9]"),
    "kelvin": ("[1-9] [0-9] [0-9] [0-9] [0-9]?", r"[1-9][0-9]{3,4}"),
    "number": ('"-"? [0-9] [0-9]{0,5} ("." [0-9] [0-9]?)?', r"-?[0-9]{1,6}(?:\.[0-9]{1,2})?"),
    "number-amount": ('[0-9] [0-9]{0,5} ("." [0-9] [0-9]?)?', r"[0-9]{1,6}(?:\.[0-9]{1,2})?"),
    "count": ("[1-9] [0-9]{0,2}", r"[1-9][0-9]{0,2}"),
    "text": (
        f"[^ \\n\\r] [^\\n\\r]{{0,{TEXT_MAX_CHARS - 1}}}",
        rf"[^ \n\r][^\n\r]{{0,{TEXT_MAX_CHARS - 1}}}",
    ),
}
_ENUM_SHAPES: dict[str, tuple[str, ...]] = {"color": COLOR_NAMES, "arm_mode": ARM_MODES}

# Words for "all the <domain> in <area>" targets.
DOMAIN_WORDS: dict[str, str] = {
    "light": "lights", "switch": "switches", "cover": "covers", "fan": "fans", "lock": "locks",
    "valve": "valves", "climate": "climate", "sensor": "sensors", "siren": "sirens",
    "humidifier": "humidifiers", "binary_sensor": "sensors", "select": "selects", "number": "numbers",
}

_ON_OFF = frozenset({"light", "switch", "fan", "siren", "humidifier", "climate", "water_heater"})


@dataclass(frozen=True)
class Phrase:
    """One way to say an intent: words with `{target}` and `{slot}` holes.

    For a `_step` slot the words give the direction and the number the amount: the slot is
    `sign * amount`.
    """

    intent: str
    words: str
    components: frozenset[str] | None = None
    """Only targets of these components (default: every component the intent acts on)."""
    shapes: tuple[tuple[str, str], ...] = ()
    """(slot, shape) for each value hole; shapes are SHAPES keys, `enum` or COLOR/ARM lists."""
    sign: int = 1


def _p(
    intent: str, words: str, components: Iterable[str] | None = None, sign: int = 1, **shapes: str
) -> Phrase:
    return Phrase(intent, words, frozenset(components) if components else None, tuple(shapes.items()), sign)


_DURATION = "duration"
PHRASES: tuple[Phrase, ...] = (
    _p("HassTurnOn", "turn on {target}", _ON_OFF),
    _p("HassTurnOn", "open {target}", {"cover", "valve"}),
    _p("HassTurnOn", "lock {target}", {"lock"}),
    _p("HassTurnOn", "activate {target}", {"scene"}),
    _p("HassTurnOff", "turn off {target}", _ON_OFF),
    _p("HassTurnOff", "close {target}", {"cover", "valve"}),
    _p("HassTurnOff", "unlock {target}", {"lock"}),
    _p("HassToggle", "toggle {target}"),
    _p("HassLightSet", "set {target} brightness to {brightness}", brightness="percent"),
    _p("HassLightSet", "set {target} color to {color}", color="color"),
    _p("HassLightSet", "set {target} color temperature to {temperature}", temperature="kelvin"),
    _p("HassLightSetRelative", "brighten {target} by {brightness_step}", brightness_step="amount"),
    _p("HassLightSetRelative", "dim {target} by {brightness_step}", sign=-1, brightness_step="amount"),
    _p("HassSetPosition", "set {target} position to {position}", position="percent"),
    _p("HassSetPositionRelative", "raise {target} by {position_step}", position_step="amount"),
    _p("HassSetPositionRelative", "lower {target} by {position_step}", sign=-1, position_step="amount"),
    _p("HassClimateSetTemperature", "set {target} temperature to {temperature}", temperature="degrees"),
    _p("HassClimateSetTemperatureRelative", "warm up {target} by {temperature_step}",
       temperature_step="degree-amount"),
    _p("HassClimateSetTemperatureRelative", "cool down {target} by {temperature_step}", sign=-1,
       temperature_step="degree-amount"),
    _p("HassClimateSetMode", "set {target} mode to {hvac_mode}", hvac_mode="enum"),
    _p("HassClimateSetFanMode", "set {target} fan to {fan_mode}", fan_mode="enum"),
    _p("HassClimateGetTemperature", "what is the temperature of {target}"),
    _p("HassGetState", "what is the state of {target}"),
    _p("HassFanSetSpeed", "set {target} speed to {percentage}", percentage="percent"),
    _p("HassFanSetSpeedRelative", "speed up {target} by {percentage_step}", percentage_step="amount"),
    _p("HassFanSetSpeedRelative", "slow down {target} by {percentage_step}", sign=-1,
       percentage_step="amount"),
    _p("HassFanSetPreset", "set {target} preset to {preset_mode}", preset_mode="enum"),
    _p("HassVacuumStart", "start {target}"),
    _p("HassVacuumReturnToBase", "send {target} home"),
    _p("HassLawnMowerStartMowing", "start mowing with {target}"),
    _p("HassLawnMowerDock", "dock {target}"),
    _p("HassSelectOption", "set {target} to {option}", option="enum"),
    _p("HassNumberSet", "set {target} value to {value}", value="number"),
    _p("HassNumberSetRelative", "increase {target} by {value_step}", value_step="number-amount"),
    _p("HassNumberSetRelative", "decrease {target} by {value_step}", sign=-1, value_step="number-amount"),
    _p("HassTextSet", "set {target} text to {text}", text="text"),
    _p("HassNavigate", "navigate {target} to {destination}", destination="text"),
    _p("HassButtonPress", "press {target}"),
    _p("HassHumidifierSetHumidity", "set {target} humidity to {humidity}", humidity="percent"),
    _p("HassWaterHeaterSetTemperature", "set {target} temperature to {temperature}", temperature="degrees"),
    _p("HassAlarmArm", "arm {target} {arm_mode}", arm_mode="arm_mode"),
    _p("HassAlarmDisarm", "disarm {target}"),
    _p("HassStartTimer", "start a timer for {duration}", duration=_DURATION),
    _p("HassCancelTimer", "cancel the timer"),
    _p("HassCancelAllTimers", "cancel all timers"),
    _p("HassPauseTimer", "pause the timer"),
    _p("HassUnpauseTimer", "resume the timer"),
    _p("HassIncreaseTimer", "add {duration} to the timer", duration=_DURATION),
    _p("HassDecreaseTimer", "take {duration} off the timer", duration=_DURATION),
    _p("HassTimerStatus", "how long is left on the timer"),
    _p("HassGetCurrentTime", "what time is it"),
    _p("HassGetCurrentDate", "what is the date"),
    _p("HassNevermind", "never mind"),
)

_DURATION_GBNF = (
    'count " hour" "s"? (" " count " minute" "s"?)? (" " count " second" "s"?)? '
    '| count " minute" "s"? (" " count " second" "s"?)? | count " second" "s"?'
)


@dataclass(frozen=True)
class Target:
    """One way to write a target in the model's answer."""

    text: str
    unique_ids: tuple[str, ...] = ()
    """Entities named (or aliased) `text`, for a name target."""
    area: str | None = None
    """Canonical area (or HERE) for an area target."""
    domain: str | None = None


@dataclass(frozen=True)
class Offer:
    """A phrase as offered in this house: the targets it may name and their enumerated values."""

    phrase: Phrase
    spec: IntentSpec
    targets: tuple[Target, ...]
    enums: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For a phrase with an enumerated slot: target text -> the values that target takes."""
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)
    """The regular expression reading an answer of this phrase back."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", _pattern(self.phrase, self.targets))


@dataclass
class Reading:
    """An answer read back: the intent, its target, typed slot values, and where the words were."""

    spec: IntentSpec
    target: Target | None
    slots: dict[str, Any]
    intent_spans: list[tuple[int, int]]
    """Character spans of the phrase's own words (not target, not values): what chose the intent."""


@dataclass(frozen=True)
class OutputSpace:
    """Everything the model may answer, from which the grammar is written and answers are read."""

    offers: tuple[Offer, ...]

    @property
    def intents(self) -> dict[str, IntentSpec]:
        return {o.spec.name: o.spec for o in self.offers}

    def grammar(self) -> str:
        return _write_grammar(self)

    def read(self, line: str) -> Reading | None:
        """Read one answer (without the line break); None if it is `none` or not in the grammar."""
        for offer in self.offers:
            reading = _read_offer(offer, line)
            if reading is not None:
                return reading
        return None


def can_do(intent_name: str, entity: Entity) -> bool:
    """Whether this entity's component (and config) can carry out the intent."""
    if entity.component not in INTENT_COMPONENTS.get(intent_name, frozenset()):
        return False
    if intent_name == "HassClimateGetTemperature" and entity.component == "sensor":
        return entity.device_class == "temperature"
    spec = INTENTS.get(intent_name)
    slots = spec.slots if spec else ()
    return all(enum_values(entity, slot) for slot in slots if slot in ENUM_SLOTS)


def enum_values(entity: Entity, slot: str) -> tuple[str, ...]:
    """The values an enumerated slot may take on this entity (its config list or HA's default)."""
    key, default, command = ENUM_SLOTS[slot]
    if slot == "hvac_mode" and entity.component == "water_heater":
        default = tuple(DEFAULT_WATER_HEATER_MODES)
    if not entity.config.get(command):
        return ()
    values = entity.config.get(key, default)
    if not isinstance(values, list | tuple):
        return ()
    return tuple(str(v) for v in values if _writable(str(v)))


def output_space(registry: Registry, intents: Iterable[IntentSpec]) -> OutputSpace:
    """The phrases for the intents some device here can carry out (plus the device-less ones)."""
    wanted = {spec.name: spec for spec in intents}
    entities = [e for e in registry if any(_writable(n) for n in e.names)]
    offers: list[Offer] = []
    for phrase in PHRASES:
        spec = wanted.get(phrase.intent)
        if spec is None:
            continue
        if not spec.targets_devices:
            offers.append(Offer(phrase, spec, ()))
            continue
        components = phrase.components or INTENT_COMPONENTS.get(spec.name, frozenset())
        able = [e for e in entities if e.component in components and can_do(spec.name, e)]
        if not able:
            continue
        enum_slots = [slot for slot, shape in phrase.shapes if shape == "enum"]
        if enum_slots:
            targets = _name_targets(able)
            enums = {
                t.text: tuple(dict.fromkeys(v for e in able if e.unique_id in t.unique_ids
                                            for v in enum_values(e, enum_slots[0])))
                for t in targets
            }
            offers.append(Offer(phrase, spec, tuple(targets), enums))
        else:
            offers.append(Offer(phrase, spec, tuple(_name_targets(able) + _area_targets(able))))
    return OutputSpace(tuple(offers))


def build_grammar(registry: Registry, intents: Iterable[IntentSpec]) -> str:
    """The GBNF grammar of every answer the model may give about this house."""
    return output_space(registry, intents).grammar()


def gbnf_literal(text: str) -> str:
    """`text` as a GBNF string literal: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ch == "\x7f":
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def slot_shape(spec_name: str, slot: str) -> str | None:
    """The shape of a value slot in the phrases of an intent (`percent`, `degrees`, `enum`...)."""
    for phrase in PHRASES:
        if phrase.intent == spec_name:
            for name, shape in phrase.shapes:
                if name == slot:
                    return shape
    return None


# --- building ---------------------------------------------------------------------------------


def _writable(text: str) -> bool:
    """Whether a name or value can stand in a one-line answer."""
    return bool(text.strip()) and text == text.strip() and not re.search(r"[\x00-\x1f\x7f]", text)


def spoken(name: str) -> str:
    """A registry name as the model writes it: lower case, as requests are transcribed."""
    return " ".join(name.lower().split())


def _name_targets(entities: list[Entity]) -> list[Target]:
    by_text: dict[str, list[str]] = {}
    for entity in entities:
        for name in entity.names:
            if _writable(name) and entity.unique_id not in by_text.get(spoken(name), []):
                by_text.setdefault(spoken(name), []).append(entity.unique_id)
    return [Target(text, unique_ids=tuple(ids)) for text, ids in by_text.items()]


def _area_targets(entities: list[Entity]) -> list[Target]:
    """`<domain words> in <area>` for each area holding such devices, and `... in here`."""
    pairs: dict[tuple[str, str], None] = {}
    for entity in entities:
        if entity.area and _writable(entity.area):
            pairs[(entity.component, entity.area)] = None
            pairs[(entity.component, HERE)] = None
    return [
        Target(
            f"{DOMAIN_WORDS.get(domain, domain)} in {HERE if area == HERE else 'the ' + spoken(area)}",
            area=area,
            domain=domain,
        )
        for domain, area in pairs
    ]


def _segments(words: str) -> list[str]:
    """'set {target} to {option}' -> ['set ', '{target}', ' to ', '{option}']."""
    return [part for part in re.split(r"(\{[a-z_]+\})", words) if part]


def _rule_name(*parts: str) -> str:
    return "-".join(re.sub(r"[^a-z0-9]+", "-", p.lower()).strip("-") for p in parts if p)


def _alternatives(items: Iterable[str]) -> str:
    return " | ".join(gbnf_literal(item) for item in items)


def _write_grammar(space: OutputSpace) -> str:
    rules: dict[str, str] = {}
    target_rules: dict[tuple[str, ...], str] = {}
    roots: list[str] = []
    for number, offer in enumerate(space.offers):
        name = _rule_name("p", str(number), offer.phrase.words.split("{")[0] or "x")
        shapes = dict(offer.phrase.shapes)
        enum_slot = next((s for s, shape in offer.phrase.shapes if shape == "enum"), None)
        if enum_slot is not None:
            # Each target with its own values: "Drive Mode to " ("eco" | "sport").
            head, tail = offer.phrase.words.split("{target}")
            middle, _ = tail.split("{" + enum_slot + "}")
            alternatives = [
                f'"the "? {gbnf_literal(t.text + middle)} ({_alternatives(offer.enums[t.text])})'
                for t in offer.targets
                if offer.enums.get(t.text)
            ]
            if alternatives:
                rules[name] = f"{gbnf_literal(head)} ({' | '.join(alternatives)})"
                roots.append(name)
            continue
        body = []
        for part in _segments(offer.phrase.words):
            if part == "{target}":
                key = tuple(t.text for t in offer.targets)
                if key not in target_rules:
                    target_rules[key] = f"t{len(target_rules)}"
                    rules[target_rules[key]] = _alternatives(key)
                body.append(f'"the "? {target_rules[key]}')
            elif part.startswith("{"):
                body.append(_value_gbnf(shapes[part[1:-1]]))
            else:
                body.append(gbnf_literal(part))
        rules[name] = " ".join(body)
        roots.append(name)
    used = {shape for offer in space.offers for _, shape in offer.phrase.shapes}
    if _DURATION in used:
        rules["duration"] = _DURATION_GBNF
        used.add("count")
    for shape in sorted(used & SHAPES.keys()):
        rules[shape] = SHAPES[shape][0]
    # The answer follows "Command:"; the model may start it with a space, as its tokens prefer.
    lines = [f'root ::= " "? ({" | ".join([gbnf_literal(NONE), *roots])}) "\\n"']
    lines += [f"{name} ::= {body}" for name, body in rules.items()]
    return "\n".join(lines) + "\n"


def _value_gbnf(shape: str) -> str:
    if shape in _ENUM_SHAPES:
        return f"({_alternatives(_ENUM_SHAPES[shape])})"
    return shape


# --- reading ----------------------------------------------------------------------------------


def _read_offer(offer: Offer, line: str) -> Reading | None:
    match = offer.pattern.fullmatch(line)
    if match is None:
        return None
    holes = list(match.groupdict())
    target: Target | None = None
    slots: dict[str, Any] = {}
    spans: list[tuple[int, int]] = []
    position = 0
    for hole in holes:
        start, end = match.span(hole)
        spans.append((position, start))
        position = end
        if hole == "target":
            said = match.group(hole)
            target = next((t for t in offer.targets if t.text in (said, said.removeprefix("the "))), None)
            if target is None:  # not a target this offer knows: not an answer we can use
                return None
        elif hole == _DURATION:
            slots.update(_read_duration(match.group(hole)))
        else:
            slots[hole] = _typed(dict(offer.phrase.shapes)[hole], match.group(hole), offer.phrase.sign)
    spans.append((position, len(line)))
    if target is not None and offer.enums:
        slot = next(s for s, shape in offer.phrase.shapes if shape == "enum")
        if slots.get(slot) not in offer.enums.get(target.text, ()):
            return None
    return Reading(offer.spec, target, slots, [(a, b) for a, b in spans if b > a])


def _pattern(phrase: Phrase, targets: tuple[Target, ...]) -> re.Pattern[str]:
    shapes = dict(phrase.shapes)
    regex = ""
    for part in _segments(phrase.words):
        if part == "{target}":
            names = sorted((t.text for t in targets), key=len, reverse=True)
            # "the " belongs to the target: it says nothing about the intent.
            regex += "(?P<target>(?:the )?(?:" + "|".join(re.escape(n) for n in names) + "))"
        elif part.startswith("{"):
            slot = part[1:-1]
            regex += f"(?P<{slot}>{_value_regex(shapes[slot])})"
        else:
            regex += re.escape(part)
    return re.compile(regex)


def _value_regex(shape: str) -> str:
    if shape in _ENUM_SHAPES:
        return "|".join(re.escape(v) for v in sorted(_ENUM_SHAPES[shape], key=len, reverse=True))
    if shape == "enum":
        return r"[^\n]+"
    if shape == _DURATION:
        return r"[0-9]+ [a-z]+(?: [0-9]+ [a-z]+){0,2}"
    return SHAPES[shape][1]


def _typed(shape: str, value: str, sign: int) -> Any:
    if shape in _ENUM_SHAPES or shape in ("enum", "text"):
        return value
    number = float(value)
    if shape in ("amount", "degree-amount", "number-amount"):
        number *= sign
    return int(number) if number.is_integer() and "." not in value else number


def _read_duration(text: str) -> dict[str, int]:
    slots: dict[str, int] = {}
    for amount, unit in re.findall(r"([0-9]+) (hour|minute|second)s?", text):
        slots[unit + "s"] = int(amount)
    return slots
