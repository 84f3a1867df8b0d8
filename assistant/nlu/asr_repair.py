"""Undo the usual speech-recogniser slips before a second matching attempt.

Whisper hears "turn of the lamp", "kitchen lites", "in the bedroom lamp to 30%" (for "dim ..."),
"thirty per cent", "twenty point five degrees". Each rule here fixes one such slip and is written
so it cannot turn a sensible request into a different one: the repaired text is only used when
the text as heard matched nothing.
"""

from __future__ import annotations

import re

from assistant.nlu.numbers import words_to_digits

_MISHEARD: dict[str, str] = {
    "bak": "back",
    "widows": "windows",
    "lucks": "locks",
    "mowed": "mode",
    "thermo stat": "thermostat",
    "curtins": "curtains",
    "dors": "doors",
    "cattle": "kettle",  # "put the cattle on"
    "bed side": "bedside",
    "fringe": "fridge",
    "owning": "awning",
    "roof went": "roof vent",
    "lites": "lights",
    "lite": "light",
    "light's": "lights",
    "blind's": "blinds",
}
"""Words a recogniser hears for house words, never meant in a command as heard."""

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        # "turn of the lamp", "switch of the fan": "of" never follows these verbs in a command.
        (r"\b(turn|switch|shut|turned|switched)\s+of\b(?=\s+\S)", r"\1 off"),
        # "turn the kitchen light of": a command never ends in "of".
        (r"^(.*\b(?:turn|switch|turned|switched)\b.*\s)of[.!?]*$", r"\1off"),
        (r"\b(lights?)\s+of[.!?]*$", r"\1 off"),
        # "For hire sign of": no command ends in "of" (never a question: "what is it made of").
        (r"^(?!(?:what|which|how|who|where|is|are)\b)(.*\S)\s+of[.!?]*$", r"\1 off"),
        (r"\bclothes (the|it|them|my)\b", r"close \1"),
        # "Fridge to for degrees": four, where a value goes.
        (r"\b(to|at|on)\s+for\s+(?=(?:degrees?|percent|%)\b|$)", r"\1 four "),
        # "The door of left side", "the door of the right": the left door.
        (r"\bthe (\w+) of (?:the )?(left|right)(?: side)?\b", r"the \2 \1"),
        # "set drive mode too normal": "too" before the value of a setting is "to".
        (r"^((?:set|put|turn|switch|change)\b.*\S)\s+too\s+(\S+)$", r"\1 to \2"),
        # "The hole light": a hall, never a hole.
        (r"\bhole (lights?|lamps?|way|door|heater|radiator)\b", r"hall \1"),
        # Dutch and German speakers: "put the lamp on 60 percent", "open the shutter for 40 percent",
        # "do the shutters down", "stop it there".
        (r"^((?:(?:and|but|now|then) )?(?:put|set|turn|switch|bring|open|close)\b.*?|(?:and|now|then) (?:the|my)\b.*?)"
         r"\s+(?:on|for)\s+(?=(?:\d+(?:\.\d+)?\s*(?:%|percent|kelvin|k)|half)[.!?]*$)",
         r"\1 to "),
        (r"^(?:on|for)\s+(?=\d+(?:\.\d+)?\s*(?:%|percent|kelvin|k)[.!?]*$)", "to "),
        (r"^((?:and|but|now|then)\s+)?do\s+((?:the|all the|my|our|it|them)\b.*\s(?:down|up))[.!?]*$", r"\1put \2"),
        (r"^(stop\s+(?:it|them|that|the\s+\w+(?:\s+\w+)?))\s+there[.!?]*$", r"\1"),
        # Indian English: "on the bedroom light", "off the TV", "make the AC little cooler".
        (r"^(on|off) (the|my|all the)\b", r"turn \1 \2"),
        (r"(?<!\ba )\blittle (more|less|bit|cooler|warmer|colder|hotter|brighter|dimmer|higher|lower)\b",
         r"a little \1"),
        # "Keep the AC at 23.5", "keep the humidity at 45": set it to that.
        (r"^keep ((?:the|my|it|them)\b.*?)\s+at\s+(?=\d+(?:\.\d+)?\b)", r"set \1 to "),
        # "Is the front door on lock?": locked.
        (r"^((?:is|are)\b.*)\s+on\s+lock[.!?]*$", r"\1 locked"),
        (r"\b(?:crews|cruz|crew)\s+control\b", "cruise control"),
        # "Put the heat pump on to cool", "onto cool": to a mode (a number after it is a level).
        (r"^((?:put|set|switch|turn)\b.*?)\s+on\s?to\s+(?=[a-z])", r"\1 to "),
        # "150 km/h", "60 kilometers per hour": the number alone (a speed setting's unit is its own).
        (r"(\d)\s*(?:km/h|kmh|kph|km an hour|(?:kilomet(?:er|re)s?|miles) (?:per|an) hour|mph)\b", r"\1"),
        # "Put it at 20% brightness": the brightness is the percent said.
        (r"(\d)\s*(%|percent) brightness\b", r"\1\2"),
        # "Turn on the porch like": a device switched on or off is never a "like".
        (r"^((?:turn|switch)\s+(?:on|off)\s+(?:the|my)\s+(?:\w+\s+){1,2})like(s?)[.!?]*$", r"\1light\2"),
        *((rf"\b{re.escape(heard)}\b", meant) for heard, meant in _MISHEARD.items()),
        (r"\bcolour\b", "color"),
        (r"\bper\s*cent\b", "percent"),
        (r"\bpercents\b", "percent"),
        (r"(\d)\s+%", r"\1%"),
        # "dim" heard as "in"/"them"/"then" at the start of a brightness command.
        (r"^(?:in|them|then|den|tim)\s+(the\s+.+\bto\s+\d+\s*(?:%|percent)[.!?]*)$", r"dim \1"),
        # "Heated seat on tree", "level tree": "three" where a level goes.
        (r"\b(on|to|at|level)\s+tree[.!?]*$", r"\1 3"),
        # "set" heard as "said"/"sit" at the start of a command.
        (r"^(?:said|sit|sat|sent)\s+(the|my)\b", r"set \1"),
        # "My sit heating", "the seats heater": a seat's.
        (r"\b(?:sit|sits|seats)\s+(heat|heating|heater|warmer|ventilation|cooling)\b", r"seat \1"),
        # "Turn turn on the tv", "the the lamp": a word said twice over (never a number: "ten ten").
        (r"\b([a-z]{2,})(?:\s+\1\b)+", r"\1"),
    )
)


def repair(text: str) -> str:
    """The text with common misrecognitions undone and spoken numbers as digits."""
    repaired = words_to_digits(text.strip())
    for pattern, replacement in _RULES:
        repaired = pattern.sub(replacement, repaired)
    return " ".join(repaired.split())
