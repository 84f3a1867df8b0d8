"""The request inside polite wrapping: "would you be so kind as to turn the lamp off, dear",
"would you mind terribly locking the front door", "set it to thirty percent if you'd be so kind",
"I'd like the front door unlocked".

Older speakers and guests wrap a command in courtesy that no template spells out. Only words that
never change what is asked are removed; "would you mind locking" becomes "lock" (the gerund
back to the verb), and a wrapper the rules do not know is left as said.
"""

from __future__ import annotations

import re

_PET_NAME = r"(?:dear|love|darling|sweetheart|pet|mate)"

_LEADING = re.compile(
    r"^\s*(?:"
    r"(?:(?:would|could|will|can) you |)(?:please |)be (?:so kind as|kind enough) to"
    r"|(?:(?:would|could|will|can) you |)(?:please |)be an? (?:dear|love|darling|sweetheart|angel|star|pet) and"
    r"|(?:i was wondering|i wonder|i m wondering|i'm wondering) if you (?:could|would|might)(?: possibly| please)?"
    r"|do you think you could(?: possibly)?"
    r"|(?:i'd|i would|we'd|we would) like you to"
    r"|(?:i|we) (?:want|need) you to"
    r"|if you (?:could|would)(?: please| possibly)?"
    r"|(?:would|could|can|will) you (?:possibly|kindly|please|just)(?: please| just| kindly)?"
    r")[\s,]+",
    re.IGNORECASE,
)

_WOULD_YOU_MIND = re.compile(
    r"^\s*(?:(?:would|do) you mind|would it be possible)(?: (?:terribly|awfully|very much|at all))?[\s,]+"
    r"(?:(?P<gerund>[a-z]+ing)\b|(?:to )(?P<verb>[a-z]+)\b)",
    re.IGNORECASE,
)

_TRAILING = re.compile(
    r"(?:[\s,]+(?:"
    r"(?:would|could|will|can) you(?: please)?"
    r"|if you (?:would|could|please|don't mind|do not mind|dont mind|wouldn't mind|would not mind)"
    r"|if you(?:'d| would) be so kind|if it's not too much trouble|if it is not too much trouble"
    r"|there's a dear|there s a dear|that's a dear|while you're at it|while you are at it"
    r"|for (?:me|us)|please|thanks|thank you(?: (?:ever so much|very much|kindly))?"
    rf"|{_PET_NAME}"
    r"))+[\s.!?]*$",
    re.IGNORECASE,
)

_WISH = re.compile(
    r"^\s*(?:i'd|i would|we'd|we would|i want|we want|i need|we need|can i have|could i have|can we have"
    r"|could we have) (?:like )?(?P<what>(?:the|my|our) .+?) "
    r"(?P<state>on|off|unlocked|locked|open|opened|closed|shut|down|up)(?=[\s,.!?]|$)",
    re.IGNORECASE,
)
_WISHED_VERB = {"on": "turn on", "off": "turn off", "unlocked": "unlock", "locked": "lock", "open": "open",
                "opened": "open", "closed": "close", "shut": "close", "down": "put down", "up": "put up"}
_WISHED_VALUE = re.compile(
    r"^\s*(?:i'd|i would|we'd|we would|i want|we want) (?:like )?(?P<what>it|them|(?:the|my|our) .+?) "
    r"(?:to be )?(?:at|on) (?P<value>\d+(?:\.\d+)?\b)",
    re.IGNORECASE,
)

_WISHED_MORE = re.compile(
    r"^\s*(?:i'd|i would|we'd|we would|i want|we want) (?:like )?(?P<what>it|them|(?:the|my|our) .+?) "
    r"(?:to be )?(?P<more>(?:(?:a )?(?:little |tiny )?(?:bit|touch|tad|little|lot) )?(?:\w+er))(?=[\s,.!?]|$)",
    re.IGNORECASE,
)

COMPARATIVES = ("brighter", "dimmer", "darker", "warmer", "cooler", "colder", "hotter", "louder", "quieter",
                "softer", "higher", "lower", "faster", "slower")
"""The words of a relative setting said as a wish or a follow-up ("I'd like it cooler", "brighter still")."""

_E_VERBS = frozenset({"clos", "mak", "rais", "chang", "activat", "increas", "decreas", "reduc", "leav", "mov",
                      "us", "tak", "sav", "engag", "releas", "ventilat", "operat", "stor", "brak"})


def verb_of(gerund: str) -> str:
    """"locking" -> "lock", "closing" -> "close", "setting" -> "set", "dimming" -> "dim"."""
    stem = gerund[:-3]
    if stem.lower() in _E_VERBS:
        return stem + "e"
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1].lower() in "bdgmnprt":
        return stem[:-1]
    return stem


def unwrap(text: str) -> str:
    """`text` without the courtesy around the request; as said when nothing is left of it."""
    inner = _LEADING.sub("", text, count=1)
    mind = _WOULD_YOU_MIND.match(inner)
    if mind is not None:
        verb = verb_of(mind.group("gerund")) if mind.group("gerund") else mind.group("verb")
        inner = verb + inner[mind.end():]
    wish = _WISH.match(inner)
    if wish is not None:
        # "I'd like the front door unlocked": unlock the front door. "Can I have my window down":
        # put my window down (the templates know a window goes down to open, a blind to close).
        verb = _WISHED_VERB[wish.group("state").lower()]
        if verb.startswith("put "):
            inner = f"put {wish.group('what')} {verb.split()[1]}{inner[wish.end():]}"
        else:
            inner = f"{verb} {wish.group('what')}{inner[wish.end():]}"
    valued = _WISHED_VALUE.match(inner)
    if valued is not None:
        # "I'd like it at 20.5 on my side": set it to 20.5 on my side.
        inner = f"set {valued.group('what')} to {valued.group('value')}{inner[valued.end():]}"
    more = _WISHED_MORE.match(inner)
    if more is not None and more.group("more").split()[-1].lower() in COMPARATIVES:
        # "I'd like it a little cooler back here": make it a little cooler back here.
        inner = f"make {more.group('what')} {more.group('more')}{inner[more.end():]}"
    inner = _TRAILING.sub("", inner)
    return inner.strip() or text
