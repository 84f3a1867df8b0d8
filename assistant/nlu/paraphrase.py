"""Everyday commands the templates miss, restated as one plain sentence the templates do match.

People say "lights off in the kitchen please", "can you make it darker in here", "get the robot to
clean up": a word for what to do, a word for what to do it to, and words around them that no
template lists. This stage finds exactly one action (on, off, dimmer, brighter, a colour, start
cleaning, make coffee) and what it is for (a device or alias named in full, an area, or a kind of
device such as "lamps" or "the hoover"), writes the plain command ("turn off the lights in the
kitchen") and hands it to the templates, so Home Assistant's target rules, the device's payloads
and the confirmation of risky actions all apply as if it had been said that way.

It is deliberately narrow, because a wrong action is worse than none:
- only lights, switches and plugs, fans and vacuums: never locks, covers, alarms or climate;
- nothing when the sentence asks a question, says "not", schedules ("at seven", "every day",
  "when I get home"), talks about media, alarms or other domains, or names two areas, two
  actions or two different devices;
- "on" counts only after a verb that takes it ("turn", "switch", "put") or right after the device.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.nlu.colors import color_name_to_kelvin, color_name_to_rgb
from assistant.registry import Entity, Registry, normalize_name

COMPONENTS = frozenset({"light", "switch", "fan", "vacuum"})
"""What a paraphrase may act on."""

MAX_WORDS = 16

_LIGHT_WORDS = r"lights?|lamps?|bulbs?|lighting|chandelier"
_KIND_WORDS: dict[str, str] = {
    "light": _LIGHT_WORDS,
    "vacuum": r"vacuum(?: cleaner)?|hoover|roomba|robovac|robot(?: vacuum| cleaner)?|cleaning robot"
    r"|floors?(?! (?:lamp|light|heating|heater|fan|standing))|carpets?|rugs?",
    "coffee": r"coffee(?: machine| maker)?|coffees|espresso|cappuccino|latte|americano|mocha|macchiato|decaf"
    r"|flat white|caffeine|cup of joe|java",
    "plug": r"plugs?|sockets?|outlets?|wemo|power strip",
    "fan": r"fans?",
}

_BLOCKERS = re.compile(
    r"^(?:how|what|whats|why|where|who|which|whose|when|is|are|was|were|does|did|have|has|should)\b"
    r"|\b(?:not|dont|don t|never|no|nothing|stop)\b"
    r"|\b(?:at|when|whenever|every|daily|tomorrow|tonight|later|until|after|before|schedule|o clock|am|pm"
    r"|minutes?|hours?|seconds?|arrive|leave|morning|evening)\b"
    r"|\b(?:music|songs?|play|playing|radio|podcasts?|audiobooks?|volume|alarms?|remind|reminder|weather|news"
    r"|email|call|message|tv(?! (?:plug|socket|outlet))|television|speakers?|spotify|movie|show me|list)\b"
    r"|\b(?:look up|search|find|buy|order|shops?|price|cost|recommend|tell me|explain)\b"
)
"""Questions, negations, schedules and other domains: never paraphrased."""

_LEVEL = re.compile(
    r"\d|\b(?:percent|half|halfway|quarter|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred)\b"
)
"""A level said ("down to twenty percent"): a plain on, off, dimmer or brighter would drop it, so
none is read."""

_SETTING = re.compile(r"\b(?:full|max|maximum|minimum|brightness|colou?r|degrees?)\b")
"""A setting said beside "on" ("on full brightness"): a plain on would drop it."""

_ACTIONS: dict[str, re.Pattern[str]] = {
    "off": re.compile(
        r"\b(?:off|shut(?: down)?|kill|cut|deactivate|disable|extinguish|lights out|put out|go out)\b"
    ),
    "on": re.compile(
        r"\b(?:turn|turned|switch|switched|put|flip|power|get|keep|leave)\b(?: \w+){0,4} on\b"
        rf"|\b(?:{_LIGHT_WORDS}) on\b|^on\b|\b(?:activate|enable|start|start up|fire up|power up|running|going)\b"
    ),
    "dimmer": re.compile(
        r"\b(?:dim|dimmer|dimmed|darker|darken|lower|decrease|reduce|down|less bright|less light|softer|soften"
        r"|minimi[sz]e)\b"
    ),
    "brighter": re.compile(
        r"\b(?:brighten|brighter|increase|raise|boost|up|more light|maximi[sz]e|lighter|intensify|higher)\b"
    ),
    "clean": re.compile(
        r"\b(?:start|clean|cleaning|vacuum|vacuuming|hoover|hoovering|sweep|run|begin|initiali[sz]e|launch|tidy"
        r"|dust|do (?:its|the) (?:rounds|floors?)|going|loose)\b"
    ),
    "coffee": re.compile(
        r"\b(?:make|makes|making|brew|prepare|pour|get|want|need|like|love|fancy|have|cup|start|turn on|fix|grab"
        r"|serve|could use|give|craving|crave|would be (?:nice|great|good|lovely|perfect)|asap|time for|shot|pot)\b"
    ),
}


_COMPLAINTS: dict[str, re.Pattern[str]] = {
    "dimmer": re.compile(
        r"\b(?:too|so|very|really|way too|far too|a bit too) (?:bright|harsh|strong|glaring)\b"
        r"|\b(?:blinding|glaring)\b|\btoo much light\b"
    ),
    "brighter": re.compile(
        r"\b(?:too|so|very|really|a bit|quite|pretty|rather|way too|far too) (?:dark|dim|gloomy)\b|\bgloomy\b"
        r"|\bpitch (?:black|dark)\b|\bhard to see\b|\bcan t see\b|\bcan barely (?:see|read)\b"
        r"|\b(?:isn t|not) bright enough\b|\btoo (?:low|dull)\b"
    ),
}
"""What to do about the light when nothing else is asked: "it's too dark in here", "the lights
are too dim" (the complaint, not the verb "dim")."""

_VACUUM_VERB = re.compile(r"^(?:(?:it s )?time to )?(?:vacuum|hoover)(?: up)?(?: (?:the|my|our|all|up)\b|$)")
""""Vacuum the living room", "hoover up the crumbs": the device's name used as the verb."""

_RECOLOUR = re.compile(r"\b(?:set|make|change|turn|switch|put|paint|go|colou?r|want|need|like|prefer|have)\b")
"""A colour name counts only with a word that asks for a change ("gold nuggets" is no colour)."""


_AFTER_A_NAME = frozenset(
    "on off up down in out to too for and please now again back as at with a the right straight then thanks so "
    "thank you light lights lamp lamps bit little lot more less all".split()
)
"""Words that may follow a device's name without making it the name of something else (besides
the words for what to do: "robbie start cleaning")."""


def _is_action_word(word: str) -> bool:
    return any(pattern.search(word) for pattern in _ACTIONS.values())


@dataclass(frozen=True)
class _Reading:
    action: str
    target: str
    """The plain words for what is acted on: "the desk lamp", "the lights in the kitchen"."""


_VERB_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        # Power said of the device, not a level: "kill the power on the plug", "power down the lights".
        (r"\b(?:kill|cut) the power (?:on|to|at)\b", "turn off"),
        (r"\b(?:power (?:down|off)|unpower|de ?energi[sz]e)\b", "turn off"),
        (r"\b(?:give power to|put the power on (?:at|to)|energi[sz]e|power up)\b", "turn on"),
        # "The bathroom can go dark now", "blackout the bedroom": lights off.
        (r"\b(?:can|may|should) go dark\b|^black ?out\b(?! (?:curtains?|blinds?|shades?))", "turn off the lights"),
        (r"\b(?:can|may|should) go off\b", "turn off"),
        (r"\bneeds? (?:switching|turning|to (?:be )?(?:switched|turned|go)) off\b", "turn off"),
    )
)
"""Phrases for power and darkness that read as the plain verb ("power down" is off, not dimmer)."""


def paraphrase(text: str, registry: Registry) -> str | None:
    """The plain command that `text` means, for the templates to match; None when unsure."""
    words = _strip_politeness(normalize_name(text))
    for pattern, replacement in _VERB_PHRASES:
        words = pattern.sub(replacement, words)
    if not words or len(words.split()) > MAX_WORDS or _BLOCKERS.search(words):
        return None
    reading = _read(words, registry)
    if reading is None:
        return None
    return _sentence(reading)


def _strip_politeness(words: str) -> str:
    words = re.sub(r"^(?:(?:please|kindly|hey|ok|okay|now|so|and) )+", "", words)
    words = re.sub(r"^(?:can|could|would|will) you (?:please )?", "", words)
    words = re.sub(r"^i (?:want|need|would like|d like) (?:you )?(?:to )?", "", words)
    return re.sub(r" (?:please|now|for me|thanks|thank you)$", "", words)


def _read(words: str, registry: Registry) -> _Reading | None:
    named = _named_entities(words, registry)
    if named is None:
        return None
    kinds = {kind for kind, pattern in _KIND_WORDS.items() if re.search(rf"\b(?:{pattern})\b", words)}
    areas = _areas(words, registry)
    if len(areas) > 1:
        return None
    area = next(iter(areas), None)
    colour = _colour(words)

    if named:
        entity = named
        kind = _kind_of(entity)
        target = f"the {normalize_name(entity.name)}"
    elif "coffee" in kinds:
        entity = _only(registry, lambda e: e.component == "switch" and _mentions(e, "coffee"))
        if entity is None:
            return None
        kind, target = "coffee", f"the {normalize_name(entity.name)}"
    elif "vacuum" in kinds:
        # The area is where to clean: the room's own robot, else the home's one robot.
        entity = _only(registry, lambda e: e.component == "vacuum" and e.area == area) or _only(
            registry, lambda e: e.component == "vacuum"
        )
        if entity is None:
            return None
        kind, target = "vacuum", f"the {normalize_name(entity.name)}"
    elif "plug" in kinds or "fan" in kinds:
        entity = _only(registry, lambda e: _is_plug(e) if "plug" in kinds else _is_fan_in(e, area))
        if entity is None or _unknown_kind_of(words, "plug" if "plug" in kinds else "fan", entity):
            return None
        kind, target = "on_off", f"the {normalize_name(entity.name)}"
    elif (
        "light" in kinds
        or (_here_or_area(area, words) and _light_only_actions(words))
        or any(pattern.search(words) for pattern in _COMPLAINTS.values())  # "it's gloomy"
    ) and _known_places(
        words, registry
    ):
        kind = "light"
        # "The lamp by the sofa" is a lamp, not every light of the room.
        noun = "lamp" if re.search(r"\blamp\b", words) else "lights"
        target = f"the {noun} in the {normalize_name(area)}" if area else f"the {noun}"
    else:
        return None

    if kind == "vacuum" and not _VACUUM_VERB.match(words):
        # "Vacuum" names the device, so it is not also the action: "vacuum out the car" starts nothing.
        words = re.sub(rf"\b(?:{_KIND_WORDS['vacuum']})\b", " ", words)
    action = _action(words, kind, colour)
    leveled = kind not in ("coffee", "vacuum") and _LEVEL.search(words)  # "coffee for two" is no level
    if action is None or leveled or (action in ("on", "off") and _SETTING.search(words)):
        # "Bathroom light on full brightness" is a level, which a plain "on" would drop.
        return None
    return _Reading(action, target)


def _named_entities(words: str, registry: Registry) -> Entity | bool | None:
    """The one device named in full (longest name wins), False when none, None when it is not
    one a paraphrase may drive or two different devices are named."""
    found: list[tuple[int, Entity]] = []
    vocabulary = {w for e in registry for n in e.names for w in normalize_name(n).split()}
    for entity in registry:
        for name in entity.names:
            key = normalize_name(name)
            said = re.search(rf"\b{re.escape(key)}\b(?: (\w+))?", words) if key else None
            if said is None:
                continue
            after = said.group(1)
            if after and after not in vocabulary and after not in _AFTER_A_NAME and not _is_action_word(after):
                # "The heated windshield wipers" are not the "Windshield": a noun the house does
                # not know, right after the name, makes it another thing.
                return None
            found.append((len(key), entity))
    if not found:
        return False
    longest = max(length for length, _ in found)
    best = {entity.entity_id: entity for length, entity in found if length == longest}
    if len(best) != 1:
        return None
    entity = next(iter(best.values()))
    if entity.component not in COMPONENTS:
        return None
    return entity


def _kind_of(entity: Entity) -> str:
    if entity.component == "light":
        return "light"
    if entity.component == "vacuum":
        return "vacuum"
    if _mentions(entity, "coffee"):
        return "coffee"
    return "on_off"


def _unknown_kind_of(words: str, kind: str, entity: Entity) -> bool:
    """"The extractor fan" where the only fan is the nursery's: a word before the kind that is not
    in the device's name says it is another device."""
    said = re.search(rf"\b(\w+) (?:{_KIND_WORDS[kind]})\b", words)
    if said is None or said.group(1) in _ARTICLES:
        return False
    return not _mentions(entity, said.group(1)) and normalize_name(entity.area or "") != said.group(1)


_ARTICLES = frozenset("the a an my our this that your his her their on off".split())


def _is_plug(entity: Entity) -> bool:
    return entity.component == "switch" and _mentions(entity, "plug", "socket", "outlet")


def _is_fan_in(entity: Entity, area: str | None) -> bool:
    return entity.component == "fan" and (area is None or entity.area == area)


def _mentions(entity: Entity, *words: str) -> bool:
    return any(word in normalize_name(name).split() for name in entity.names for word in words)


def _only(registry: Registry, keep: Callable[[Entity], bool]) -> Entity | None:
    """The one device of the house that `keep` accepts; None when there are none or several."""
    matching = [e for e in registry if keep(e)]
    return matching[0] if len(matching) == 1 else None


def _areas(words: str, registry: Registry) -> set[str]:
    found: set[str] = set()
    for area, aliases in registry.areas.items():
        for name in (area, *aliases):
            key = normalize_name(name)
            if key and re.search(rf"\b{re.escape(key)}\b", words):
                found.add(area)
    for short, area in registry.short_area_names().items():
        if area not in found and re.search(rf"\b{re.escape(short)}\b", words):
            found.add(area)
    return found


_PLACE_WORDS = frozenset({"here", "room", "house", "home", "apartment", "flat", "place", "this", "every", "all"})
_MODIFIERS = frozenset({
    "the", "my", "our", "all", "a", "some", "these", "those", "this", "that", "every", "both", "your",
    "room", "house", "main", "current", "indoor", "interior", "of", "on", "off", "up", "down", "light", "s",
})


def _known_places(words: str, registry: Registry) -> bool:
    """Whether every place the sentence names for the lights is an area of this house.

    "Turn off the closet light" in a house without a closet must not turn off the lights of the
    room the assistant stands in: a word before the light word, or after "in the", that is neither
    a known area nor an everyday modifier ("the", "all", "room") makes the sentence unsure.
    """
    names = [name for area, aliases in registry.areas.items() for name in (area, *aliases)]
    area_words = {word for name in names for word in normalize_name(name).split()}
    tokens = words.split()
    for index, token in enumerate(tokens):
        if re.fullmatch(rf"(?:{_LIGHT_WORDS})", token) and index > 0:
            before = tokens[index - 1]
            if before not in _MODIFIERS and before not in area_words and not _ACTION_WORD.fullmatch(before):
                return False
        if token in ("in", "inside", "at", "from") and index + 1 < len(tokens):
            place = next((t for t in tokens[index + 1 :] if t not in ("the", "my", "our", "your")), "")
            if place in _PLACE_WORDS:
                continue
            known = registry.find_area(place) is not None or _area_named_at(words, place, names)
            if place not in area_words or not known:
                return False
    return True


def _area_named_at(words: str, place: str, names: list[str]) -> bool:
    """Whether an area's full name is said starting at `place` ("in the home office")."""
    start = f" {words} ".find(f" {place} ")
    rest = f" {words} "[start:]
    return any(rest.startswith(f" {normalize_name(name)} ") for name in names)


_ACTION_WORD = re.compile(
    r"turn|switch|shut|kill|dim|brighten|raise|lower|increase|decrease|reduce|boost|activate|enable|disable"
    r"|deactivate|minimi[sz]e|maximi[sz]e|set|make|change|put|flip|power|get|keep|leave|want|need|please"
)


def _light_only_actions(words: str) -> bool:
    """"Make the bedroom darker", "it's gloomy in here": these can only be about lights."""
    said = re.search(r"\b(?:darker|darken|dim|dimmer|brighter|brighten|lighter|brightness)\b", words)
    return bool(said) or any(pattern.search(words) for pattern in _COMPLAINTS.values())


def _here_or_area(area: str | None, words: str) -> bool:
    """An area is named, or the room the assistant is in ("in here", "this room")."""
    return area is not None or bool(re.search(r"\b(?:in here|this room|the room|in the room)\b", words))


def _colour(words: str) -> str | None:
    found = {w for w in words.split() if color_name_to_rgb(w) or color_name_to_kelvin(w)}
    found -= {"light", "tan"}  # "light" is the device; "tan" is rarely the colour meant
    for first, second in zip(words.split(), words.split()[1:], strict=False):
        pair = f"{first} {second}"
        if color_name_to_rgb(pair) or color_name_to_kelvin(pair):
            return pair if first not in ("the", "a") else second
    return next(iter(found)) if len(found) == 1 else None


def _action(words: str, kind: str, colour: str | None) -> str | None:
    complaints = {name for name, pattern in _COMPLAINTS.items() if pattern.search(words)}
    if kind == "light":
        # "The lights are too dim": the complaint's words are not the verb "dim".
        for pattern in _COMPLAINTS.values():
            words = pattern.sub(" ", words)
    said = {name for name, pattern in _ACTIONS.items() if pattern.search(words)}
    if kind == "light":
        if colour is not None and _RECOLOUR.search(words) and not said & {"off", "dimmer", "brighter"}:
            return f"colour {colour}"
        if colour is not None or re.search(r"\bcolou?rs?\b", words):
            return None  # a colour change we cannot pin down is not an on or off
        choices = said & {"on", "off", "dimmer", "brighter"}
        if not choices:
            choices = complaints
    elif kind == "vacuum":
        choices = said & {"clean"} if "off" not in said else set()
    elif kind == "coffee":
        choices = {"on"} if said & {"coffee", "on"} and "off" not in said else said & {"off"}
    else:
        choices = said & {"on", "off"}
    return next(iter(choices)) if len(choices) == 1 else None


def _sentence(reading: _Reading) -> str:
    action, target = reading.action, reading.target
    if action.startswith("colour "):
        return f"set {target} to {action.removeprefix('colour ')}"
    return {
        "on": f"turn on {target}",
        "off": f"turn off {target}",
        "dimmer": f"dim {target}",
        "brighter": f"brighten {target}",
        "clean": f"start {target}",
    }[action]
