"""One conversation: from a transcript to the intent, the MQTT messages and the reply.

This is the part `assistant parse` and the daemon share. It owns what carries over between turns:
the devices of the last turn (for "turn it off again", "and the hallway too", "make it brighter"),
a risky action waiting for a yes, and the timers. Order of understanding: dialogue (confirmations,
follow-ups) -> templates -> the small model. When nothing is sure, nothing is done.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from assistant.device_state import assume_commanded
from assistant.nlu.actions import answer_question, build_actions, spoken_name
from assistant.nlu.asr_repair import repair
from assistant.nlu.catalogue import INTENTS
from assistant.nlu.colors import color_name_to_rgb
from assistant.nlu.numbers import DIGIT_WORDS, words_to_digits
from assistant.nlu.paraphrase import COMPONENTS as PARAPHRASE_COMPONENTS
from assistant.nlu.paraphrase import paraphrase
from assistant.nlu.politeness import COMPARATIVES, unwrap
from assistant.nlu.replies import confirmation_question, reply_for
from assistant.nlu.targets import entities_named
from assistant.nlu.types import Action, ActionError, Intent
from assistant.registry import Entity, Registry, normalize_name
from assistant.timers import TimerError, Timers, speak_duration

_LOGGER = logging.getLogger(__name__)

YES = {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "do it", "confirm", "correct", "please do",
       "yes please", "go ahead", "go on", "affirmative", "of course", "absolutely", "right", "aye", "aye go on"}
NO = {"no", "nope", "nah", "cancel", "don't", "do not", "stop", "never mind", "nevermind", "forget it",
      "no thanks", "no thank you", "abort", "negative"}
STOP_WORDS = {"stop", "cancel", "never mind", "nevermind", "be quiet", "shut up", "quiet", "silence",
              "that's all", "thanks", "thank you", "nothing"}

TIMER_INTENTS = {"HassStartTimer", "HassCancelTimer", "HassCancelAllTimers", "HassPauseTimer", "HassUnpauseTimer",
                 "HassIncreaseTimer", "HassDecreaseTimer", "HassTimerStatus"}
FILLERS = re.compile(r"\b(again|too|as well|also|please|now|then|both|back)\b", re.IGNORECASE)

LEADING_FILLER = re.compile(
    r"^\s*(?:(?:ok|okay|so|um+|uh+|er+m?|m+|hmm+|well|hey|hi|yo|ayo|oi|nah|hello(?: there)?"
    r"|good (?:morning|afternoon|evening)"
    r"|(?:morning|afternoon|evening)(?![\s,]+(?:scene|mode|routine|lights?)\b)"
    r"|excuse me|alright|all right|nabu|jarvis|mycroft|alexa|actually|in fact|just|oh|wait|no wait|sorry"
    r"|ooh|ah|did you (?:hear|get) (?:me|that)|i said"
    r"|never mind|nevermind|no|maybe|perhaps|about|around|thanks|thank you|you can|only|fine|at least|right"
    r"|(?:can|could|would|will) (?:you|ye)(?: please)?(?! be\b| mind\b| kindly\b))\b[\s,.!?]*)+",
    re.IGNORECASE,
)
TRAILING_FILLER = re.compile(
    r"(?:[\s,]+(?:instead|then|after all|first|anyway|again|for me|please|pls|plz|completely|fully|actually"
    r"|at the moment|right now|for now"
    r"|all the way|if it s no trouble|if it's no trouble|just in case|though|no cap|bro|fam|or what|or not"
    r"|thank you(?: ever so much)?|love|dear|pet|duck|darling|sweetheart|there s a good (?:lad|girl|boy)"
    r"|for (?:the |my |your |our )?(?:baby|kids|children|boys|girls|her|him|them|dog|dogs|cat|mom|mum|dad"
    r"|grandma|grandpa|granny|nan|wife|husband|son|daughter|guests?|visitors?|carer|(?:district )?nurse|cleaner)"
    r"(?: in the back)?"
    r"|for the (?:trip|journey|drive|ride|film|movie|party)))+[\s.!]*$",
    re.IGNORECASE,
)

_FOR_WHOM = re.compile(
    r"\s+for (?:the |my |your |our )?(?:kids|children|baby|boys|girls)(?: (?:in|at) the back)?\b", re.IGNORECASE
)
""""Turn on the seat heaters for the kids in the second row", "close the sunshade for the kids in
the back the sun is in their eyes": for whom is said, not where."""
_TOO = re.compile(r"[\s,]+(?:too|also)[\s.!]*$", re.IGNORECASE)
_A_PIECE = re.compile(r"\ba (?:piece|peace)\b", re.IGNORECASE)
""""Open the window a piece" (or, misheard, "a peace"): a bit."""
_MORE_WORD = f"(?:{'|'.join(COMPARATIVES)})"
_STILL = re.compile(rf"\b(?:even|still|yet)\s+(?={_MORE_WORD}\b)|(?<=er)\s+still(?=[\s.!?]*$)", re.IGNORECASE)
""""Brighter still", "a touch cooler still", "even warmer": one more small step ("a bit brighter")
unless an amount is said."""
_STILL_TOO = re.compile(r"\bstill\s+(?=(?:too|so|very|really|way too|far too)\s)", re.IGNORECASE)
""""Still too hot", "it's still too dark": the same complaint again, one more step."""
_A_VERB = re.compile(
    r"\b(?:turn|switch|put|set|make|open|close|shut|lock|unlock|dim|brighten|start|stop|raise|lower|bring|press"
    r"|play|pause|run|give|get|kill|cut|stick|flick|pop|crank|bump)\b"
)
"""A word that makes a command of its own ("and put the fan on high", unlike "and the lamp")."""
_QUESTION = re.compile(
    r"^(?:what|whats|what s|which|who|where|when|why|how|is|are|was|were|does|did|has|have)\b"
    r"(?! about\b| it possible\b| there any way\b)"
)
"""A question: it never turns into a command ("what's it on now", "is the heating on")."""
_A_VALUE = re.compile(
    r"\d|\b(?:half|halfway|percent|degrees?|max|maximum|full|minimum"
    r"|warmer|cooler|colder|hotter|brighter|dimmer|higher|lower|more|less)\b"
)
_AT_LEAST = re.compile(r"\b((?:can|could) (?:we|i|you)) at least\b", re.IGNORECASE)
""""Can we at least have the screen on": the request without the bargaining."""
_FOR_THE_NIGHT = re.compile(r"[\s,]+(?:for the night|overnight)(?=[\s.!?]*$)", re.IGNORECASE)
""""Put the fridge on silent for the night", "lock up for the night": now; but an alarm armed "for
the night" is armed in its night mode."""
_MORE_LIKE = re.compile(
    rf"^(?:(?:a )?(?:bit|little|touch|tad) )?{_MORE_WORD}[\s,]+(?:like|say|maybe|about|around|to|at)\s+"
    r"(\d+(?:\.\d+)?(?:\s*(?:%|percent|degrees?))?)[\s.!?]*$",
    re.IGNORECASE,
)
""""Brighter, like 60": to 60, not a step and then a stray "like 60"."""
_AN_AMOUNT = re.compile(r"\b(?:bit|little|touch|tad|lot|much|way|by|slightly|\d+)\b", re.IGNORECASE)
_LIGHT_KIND = re.compile(r"\b(?:lights?|lamps?|bulbs?|lighting|spots?|strips?|everything|all)\b")
_AS_WELL = re.compile(r"[\s,]+(?:as well|also)(?:[\s,]+please)?[\s.!]*$", re.IGNORECASE)
""""The heater as well" is "the heater too": the last command again, on another device."""
_AS_BRIGHT_AS_IT_GOES = re.compile(
    r"\b(?:make|turn|put|set|get) (?:on )?(.+?)(?: (?:right |all the way )?up)? "
    r"(?:as bright as (?:it goes|possible|it can go|it will go|it ll go|you can)"
    r"|(?:to |at |on )?full brightness|fully bright|(?:to |at |on )?maximum brightness)(?=[\s,.!?]|$)",
    re.IGNORECASE,
)
""""Make it as bright as it goes", "put the lamp on full brightness": at its brightest."""
_IN_THE_VEHICLE = re.compile(
    r"\s+(?:in|of|around|throughout) (?:the|my|our) (car|van|vehicle|truck|camper|motorhome)\b", re.IGNORECASE
)
_SPELLED = re.compile(r"(?<![\w'])(?:[a-z] ){2,}[a-z](?![\w'])", re.IGNORECASE)
""""The u s b charging": letters spelled out are one word (before "u" is read as "you")."""
_CUT_ON_OFF = re.compile(r"\bcut\b(?!\s+(?:the\s+)?power)(?=.*\b(?:on|off)\b)", re.IGNORECASE)
""""Cut on the patio lights", "cut 'em off" (Southern US): turn on, turn off; "cut the power on
the plug" stays a cut."""
_SINGLISH_TAIL = re.compile(r"(?:[\s,]+(?:lah|leh|lor|ah|can|already|liao))+[\s.!?]*$", re.IGNORECASE)
""""Off the lights lah", "the fan a bit faster can?", "too cold already": the sentence without its
Singapore English particles."""
_SET_TO = re.compile(r"^(set|put|turn|make) to\b", re.IGNORECASE)
""""Set to 24 degrees": set it to 24 degrees."""
_CAN_I_HAVE = re.compile(r"^(?:can|could|may) (?:i|we) (?:please )?(?:have|get) (?=.+\b(?:on|off)\b)", re.IGNORECASE)
""""Can I have my seat warmer on 3", "can we have the screen on": put it on."""
_NEXT_TO_THE_BED = re.compile(r"\b(light|lamp) (?:next to|beside|by) the bed\b", re.IGNORECASE)
_ON_THE_SIDE = re.compile(
    r"\bthe ((?:\w+ )?(?:light|lamp|seat|window|door|heater|vent)s?) on the (left|right)(?: side)?\b", re.IGNORECASE
)
""""The light next to the bed on the left side": the left bedside light."""
_MORE_COLD = re.compile(r"\bmore (cold|cool|warm|hot|bright|dark)\b", re.IGNORECASE)
_COMPARATIVE_OF = {"cold": "colder", "cool": "cooler", "warm": "warmer", "hot": "hotter", "bright": "brighter",
                   "dark": "darker"}
""""Make the back more cool", "more cold": cooler, colder (English as a second language)."""
_LAMB = re.compile(r"\blamb\b", re.IGNORECASE)
""""My lamb on": a lamp, heard before anything reads which light "the lamp" is."""
_HELP_ME = re.compile(
    r"^(?:(?:can|could) (?:you )?)?help me (?=\w)|^can (?=(?:unlock|lock|open|close|on|off|turn|switch|set)\b)",
    re.IGNORECASE,
)
""""Can help me close the curtain": close the curtain."""
_ON_OFF_IT = re.compile(r"^(on|off) (it|them)(?: back)?(?=[\s.!?]*$)|^(on|off) back (the\b.*)$", re.IGNORECASE)
""""Off it", "on it back", "on back the ceiling light": turn it off, turn it back on."""
_OPEN_THE_POWERED = re.compile(
    r"^(open|close) ((?:the|my) (?:aircon|air con|air conditioner|ac|a c|lights?|lamps?|fans?|tv|television|heater))\b",
    re.IGNORECASE,
)
""""Open the aircon", "close the light": switching it on or off, in Singapore, Indian and Chinese
English (a cover is opened by its own name, never by these words)."""
_YALL = re.compile(r"\b(?:y'?all|ya)\b", re.IGNORECASE)
_UP_SOME = re.compile(r"\b(up|down) some\b", re.IGNORECASE)
""""Turn the AC up some": a bit."""
_RECKON = re.compile(r"^(?:(?:ok|okay|well) )?(?:i )?reckon (?:you|ya|ye) (?:could|can) ", re.IGNORECASE)
_TEXT_SPEAK_THEM = re.compile(r"(?<!\w)'?em\b", re.IGNORECASE)
_TEXT_SPEAK_YOU = re.compile(r"\bu\b", re.IGNORECASE)
""""Dim 'em to 40", "can u turn the LEDs off": them, you."""
_TURN_LIKE = re.compile(r"\b(?:pop|bump|knock|nudge|kick|whack) (it|them|that|the [\w ]+?) (up|down)\b", re.IGNORECASE)
""""Pop it up to twenty two", "knock the heating down a bit": turn it up, turn it down."""
_RIGHT_DOWN = re.compile(r"\b(?:right|all the way|way) (down|up) to\b", re.IGNORECASE)
""""Dim it right down to 20 percent", "crank it all the way up to 35": down to, up to."""
_FRONTED = re.compile(
    r"^\s*(?P<what>(?:the|my|our)"
    r"(?: (?!(?:is|are|was|were|s|it|they|them|wants?|needs?|seems?|feels?|looks?|gets?)\b)[\w']+){1,4})"
    r"\s*,\s*(?:(?:please|could you|can you|would you)\s+)*"
    r"(?P<verb>[a-z]+) (?:it|them)\b(?P<rest>.*)$",
    re.IGNORECASE,
)
"""The device said first and then the command on "it": "the boot, please open it"."""
_LOCK_THE_BACK = re.compile(r"^((?:un)?lock) the (?:back|rear)(?=[\s.!?]*$)", re.IGNORECASE)
_IN_THE_BACK = re.compile(r"[\s,]+in the back[\s.!]*$", re.IGNORECASE)
_IN_HERE = re.compile(r"[\s,]+in here[\s.!]*$", re.IGNORECASE)
_ALL_SAID = re.compile(r"\b(?:all|every|everything|each)\b", re.IGNORECASE)
_THE_BACK = re.compile(
    r"\b(in|at|for|to|set) the (?:back|rear)"
    r"(?=\s*(?:$|[,.!?]|(?:to|up|down|too|as well|please|now|and|then|on|off)\b))"
    r"|\bback there\b",
    re.IGNORECASE,
)
""""In the back", "set the back to 21", "back there": the car's rear zone; "the rear climate",
"the back window" are names."""
_REAR_SAID = re.compile(r"\b(?:rear|back|second row|third row|row)\b", re.IGNORECASE)

SORRY_NOT_HEARD = "Sorry, I didn't catch that."
SORRY_NOT_UNDERSTOOD = "Sorry, I can't do that."


@dataclass(frozen=True)
class ConversationSettings:
    follow_up_seconds: float = 5.0
    """How long the daemon keeps listening without the wake word after it asked or acted."""
    context_seconds: float = 60.0
    """How long the devices of the last turn stay the meaning of "it" / "them"."""
    confirm_seconds: float = 10.0
    """How long a risky action waits for a yes before it is dropped."""
    confirm: tuple[str, ...] = ("lock", "garage", "gate", "door", "alarm_control_panel")
    """What needs a spoken yes: components (lock, alarm_control_panel), cover device classes (garage,
    gate, door), or entity ids (lock.front_door). Unlocking, opening and disarming are confirmed;
    locking, closing and arming are not."""
    confirm_model_guesses: bool = True
    """Ask ("Did you mean: turn off the kitchen light?") before changing a device on what only the
    small language model understood. Measured alone it gets about one command in eight fully
    right and a wrong action on one in seven (bench/slm_bench.py), so a guess is never acted on
    unasked."""
    chime_same_room: bool = False
    """Play the done chime instead of a spoken reply when the command targeted the speaker's room."""


class Understander(Protocol):
    def match(self, text: str, area: str | None = None) -> Intent | None: ...


class ModelUnderstander(Protocol):
    def understand(self, text: str, registry: Registry, area: str | None) -> Intent | None: ...


@dataclass
class Turn:
    """The outcome of one utterance; `actions` are exactly what is published."""

    text: str
    intent: Intent | None = None
    actions: list[Action] = field(default_factory=list)
    reply: str = ""
    expects_answer: bool = False
    """The assistant asked something: keep listening without the wake word."""
    stop_speaking: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "intent": self.intent.name if self.intent else None,
            "slots": _json_slots(self.intent.slots) if self.intent else {},
            "actions": [a.as_json() for a in self.actions],
            "reply": self.reply,
        }


@dataclass
class _Context:
    intent: Intent
    at: float


@dataclass
class _Pending:
    intent: Intent
    actions: list[Action]
    at: float


class Conversation:
    def __init__(
        self,
        registry: Registry,
        templates: Understander,
        model: ModelUnderstander | None,
        timers: Timers,
        settings: ConversationSettings = ConversationSettings(),
        area: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self.templates = templates
        self.model = model
        self.timers = timers
        self.settings = settings
        self.area = area
        self._clock = clock
        self._context: _Context | None = None
        self._pending: _Pending | None = None
        self._added_to: list[Entity] = []
        """Devices of the last turn that a follow-up such as "and the rear one too" added to."""
        self._misunderstood = False
        """The last utterance was not understood: "and the lamp" cannot repeat it."""
        self._missed_value = False
        """The last turn, not understood, asked for a level ("set it to 50 percent")."""
        self._which: tuple[Intent, float] | None = None
        """A command asked back as "which one?", with when it was asked."""

    @property
    def awaiting_confirmation(self) -> bool:
        return self._pending is not None and not self._pending_expired()

    def reset(self) -> None:
        """Forget the last turn and any question asked (a new conversation)."""
        self._context = None
        self._pending = None
        self._which = None

    def handle(self, text: str) -> Turn:
        started = time.perf_counter()
        turn = self._handle(text.strip())
        turn.timings["understand"] = time.perf_counter() - started
        return turn

    def expire(self) -> str | None:
        """Drop a confirmation nobody answered; returns what to say, if anything."""
        if self._pending is not None and self._pending_expired():
            self._pending = None
            return "Okay, I won't."
        return None

    def _handle(self, text: str, use_model: bool = True) -> Turn:
        turn = Turn(text=text)
        said = text
        misunderstood_before = self._misunderstood
        words = normalize_name(text)
        if not words:
            turn.reply = SORRY_NOT_HEARD
            return turn

        if self._pending is not None:
            pending, self._pending = self._pending, None
            if not self._expired(pending.at, self.settings.confirm_seconds):
                if _is_yes(words):
                    return self._execute(turn, pending.intent, pending.actions)
                if words in NO:
                    turn.intent = Intent("HassNevermind", text=text)
                    turn.reply = "Okay, I won't."
                    return turn
                refusal = _NO_THEN.match(text)
                if refusal:
                    # "No, close my window instead": the pending action is dropped, the rest is a command.
                    text = refusal.group(1)
                    words = normalize_name(text)

        if self._which is not None:
            (asked, at), self._which = self._which, None
            chosen = _chosen(words, asked.ambiguous)
            if chosen is not None and not self._expired(at, self.settings.confirm_seconds):
                # "Turn on the lamp" - "Which one?" - "the reading lamp".
                chosen_intent = replace(asked, targets=[chosen], ambiguous=[], source="dialogue", text=text)
                return self._carry_out(turn, chosen_intent)

        moving = self._moving_covers() if words in ("stop", "stop it", "stop there", "stop stop") else []
        if moving:
            return self._carry_out(turn, Intent("HassStopCover", {}, moving, source="dialogue", text=text))
        if words in STOP_WORDS:
            turn.intent = Intent("HassNevermind", text=text)
            turn.stop_speaking = True
            return turn

        if words in YES or words in NO:
            turn.reply = "There's nothing to confirm." if words in YES else "Okay."
            return turn

        in_here = _IN_HERE.search(text) is not None
        text = _tidy(text)
        behind = self.registry.rear_area()
        if behind is not None:
            # "Turn the AC off in the back", "the fan back there": the car's rear zone; "lock
            # the back": its doors.
            text = _LOCK_THE_BACK.sub(rf"\1 the doors in the {behind}", text)
            text = _THE_BACK.sub(lambda m: f"{m.group(1) or 'in'} the {behind}", text)
        text = self._rear_fan_as_climate(text)
        vehicle = _IN_THE_VEHICLE.search(text)
        if vehicle is not None and self.registry.find_area(vehicle.group(1)) is None:
            # "Turn off every light in the van": everywhere (Home Assistant's word), unless an area
            # has that name. Not in the templates: one more word in "everywhere" slows every match.
            text = text[: vehicle.start()] + " everywhere" + text[vehicle.end():]
        if _SELF_CORRECTION.search(words_to_digits(text)):
            text = _SELF_CORRECTION.sub(r"\1\2", words_to_digits(text))
        corrected = _NAME_CORRECTION.fullmatch(text)
        if corrected is not None:
            # "Turn on the living strip, no sorry, the kitchen strip": the second device, only.
            text = corrected.group(1) + corrected.group(2)
        words = normalize_name(text)
        if self.registry.owns_nothing(text):
            # "Turn off Jake's light" where Jake has none: not the room's lights either.
            turn.reply = "I don't know which device you mean."
            self._misunderstood = True
            return turn
        scheduled = self._scheduled(text)
        if scheduled is not None:
            # Before the templates: "turn on the lamp at 7" is a time, never a brightness of 7.
            turn.reply = scheduled
            self._misunderstood = False
            # Nothing was set: "one degree warmer" next would go on from the old setting.
            self._missed_value = True
            return turn
        intent = self._understand_strictly(text, words)
        if intent is None:
            clauses = self._clauses(text)
            if clauses:
                return self._carry_out_clauses(turn, clauses)
            intent = self._after_preamble(text) or self._inline_remark(text)
        if intent is not None and intent.name == "HassFanSetSpeed" and not intent.targets:
            # "Set the fan speed to three" in a car whose climate's fan modes are "1" to "5".
            # "Fan on full" in a car with no fan entity: the climate's top fan mode.
            level = intent.slots.get("percentage")
            said = "fan on high" if level == 100 else f"fan level {level}"
            intent = self.templates.match(said, self.area) if level else None
            intent = intent if intent is not None and intent.targets else None
        intent = self._understand_loosely(text, words, intent, use_model)
        missed_value, self._missed_value = self._missed_value, False
        if intent is None:
            turn.reply = SORRY_NOT_UNDERSTOOD
            # "Turn the telly off" not understood, then "and the floor lamp": the command that
            # "and" repeats is the one not understood, not the one before it.
            self._misunderstood = True
            self._missed_value = _A_VALUE.search(words_to_digits(words)) is not None
            return turn
        self._misunderstood = False
        if self._fan_mode_elsewhere(intent):
            turn.reply = "I don't know which device you mean."
            return turn
        spec = INTENTS.get(intent.name)
        if spec is not None and spec.changes_devices and _QUESTION.match(normalize_name(text)):
            # "What's it on now?" is asked, never a command to turn it on.
            turn.reply = SORRY_NOT_UNDERSTOOD
            return turn
        if words.startswith("and ") and misunderstood_before and not _A_VERB.search(words):
            # "Turn off Pria's lamp" not understood, then "and Priya's ceiling light": the command
            # "and" goes on with was never understood, so the light is not turned on by its name.
            turn.reply = SORRY_NOT_UNDERSTOOD
            return turn
        if missed_value and intent.name.endswith("Relative"):
            # "Set it to 50 percent" not understood, then "a bit brighter": a step from a setting
            # that was meant but never made would land wrong.
            turn.reply = "Sorry, I didn't catch the setting before, so I can't go on from it. Please say the level."
            return turn
        intent.text = said
        if intent.name == "HassStopCover" and "name" not in intent.slots:
            # "Stop the window" while the passenger's window is opening: that one, not the driver's.
            kind = intent.slots.get("device_class")
            moving = [e for e in self._moving_covers() if kind is None or e.device_class == kind]
            if moving:
                intent = replace(intent, targets=moving)
        local = [e for e in intent.targets if _in_area(e, self.area)] if in_here and self.area else []
        if local:
            # "What's the heating set to in here": this room's heater, not every one of the house.
            intent = replace(intent, targets=local)
        elif in_here and self.area and intent.slots.get("name") and intent.targets:
            # "Turn on the telly in here" in the bedroom: not the lounge's telly. (The home's one
            # thermostat still answers "make it 21 in here".)
            turn.intent = intent
            turn.reply = f"There's no {spoken_name(intent.targets[0]).removeprefix('the ')} in here."
            return turn
        return self._carry_out(turn, self._same_zone(intent, normalize_name(said)))

    def _same_kind_as_last(self, intent: Intent | None) -> Intent | None:
        """ "Set the blind to 30 percent" right after "close the roof blind", from a seat with no
        blind of its own: the blind just closed."""
        context = self._context
        if (
            intent is None
            or intent.targets
            or intent.slots.get("name")
            or not intent.slots.get("device_class")
            or context is None
            or self._expired(context.at, self.settings.context_seconds)
        ):
            return None
        domain, device_class = intent.slots.get("domain"), str(intent.slots["device_class"])
        alike = {device_class} | ({"blind", "shade"} if device_class in ("blind", "shade") else set())
        last = context.intent.targets
        if last and all(e.component == domain and (e.device_class or device_class) in alike for e in last):
            return replace(intent, targets=list(last), source="dialogue")
        return None

    def _same_zone(self, intent: Intent, words: str) -> Intent:
        """ "Fan on high" right after "set the front left climate to 19.5", in a front with two
        zones: the zone just set, not both; "full brightness" right after the desk lamp was set:
        the desk lamp. Only a setting that names no device, place or kind of light."""
        context = self._context
        kind = "climate" if intent.name.startswith("HassClimateSet") else "light"
        if (
            context is None
            or self._expired(context.at, self.settings.context_seconds)
            or not (kind == "climate" or intent.name in ("HassLightSet", "HassLightSetRelative"))
            or (kind == "light" and _LIGHT_KIND.search(words))
            or re.search(r"\b(?:both|all|every|everything|each|here)\b", words)
            or intent.slots.get("name")
            or len(intent.targets) < 2
            or self.registry.find_area(words) is not None
            or any(normalize_name(a) in words for a in self.registry.areas)
        ):
            return intent
        last = [e for e in context.intent.targets if e.component == kind]
        if last and len(last) < len(intent.targets) and all(e in intent.targets for e in last):
            return replace(intent, targets=last)
        return intent

    def _understand_strictly(
        self, text: str, words: str, joined: bool = False, repaired: bool = False
    ) -> Intent | None:
        """Templates, then follow-ups on the last turn, then one action on several named devices,
        then the readings of what people leave out, then all of these again on the text with its
        speech slips repaired ("and the dining light on 80 percent" -> "... to 80 percent"; the
        templates repair on their own, the follow-ups do not). `joined`: this is already such a
        reading ("and" or "put it" added), so those are not tried again."""
        tidy = _tidy(text)
        if tidy != text:
            text, words = tidy, normalize_name(tidy)
        carried = self._carries_over(words)
        value_alone = _NEW_VALUE.fullmatch(words_to_digits(words)) is not None and not words[0].isdigit()
        if _COMPARATIVE.fullmatch(words) or self._refers_back(words) or carried or value_alone:
            # "A bit brighter" right after "set the lamp to 40 percent" is the lamp, not the room;
            # so is "make it red" right after "turn on the ambient lighting"; "(now) the floor lamp
            # too" is the last command again, not Home Assistant's bare name that turns it on.
            with_and = words if re.match(r"(?:and|now|also|plus) ", words) else f"and {words}"
            intent = self._follow_up(text, with_and if carried else words)
            if intent is not None:
                return intent
        intent = self.templates.match(text, self.area)
        if intent is None and _TOO.search(text):
            # "Turn on the driver's reading light too": a whole command, said after another.
            intent = self.templates.match(_TOO.sub("", text), self.area)
        if intent is None or not intent.targets:
            # "A bit brighter" in the car matches the driver's zone's lights, which it has none
            # of: the last devices are what was meant.
            intent = self._follow_up(text, words) or self._same_kind_as_last(intent) or intent
        if intent is None:
            intent = self._compound(text)
        if intent is None and _AND_FIRST.match(text):
            # "And shut the curtains", "oh and lock the front door": a command on its own; "and
            # the floor lamp" alone repeats the last command, so it is not one.
            rest = _AND_FIRST.sub("", text)
            if not self._names_only(rest):
                intent = self._understand_strictly(rest, normalize_name(rest), joined=True)
        if intent is not None:
            return intent
        readings = (self._climate_with_nothing_said, self._number_turned_off)
        if not joined:
            readings += (self._terse_setting, self._joined_on)
        intent = next((intent for read in readings if (intent := read(text, words)) is not None), None)
        fixed = repair(text)
        if intent is None and not repaired and fixed != text:
            return self._understand_strictly(fixed, normalize_name(fixed), joined, repaired=True)
        return intent

    # --- what is left out, read last ------------------------------------------------------------

    def _climate_with_nothing_said(self, text: str, words: str) -> Intent | None:
        """"Warmer please", "set it to 14 degrees" with nothing said before: the climate here."""
        if not self._nothing_talked_about():
            return None
        if _WARMER.fullmatch(words):
            return self.templates.match(f"make it {words}", self.area)
        if _IT_DEGREES.search(text):
            return self.templates.match(_IT_DEGREES.sub(r"\1 the temperature \2", text), self.area)
        return None

    def _number_turned_off(self, text: str, words: str) -> Intent | None:
        """"Turn my seat heating off" where the heating is a level from 0: the level 0. Read only
        when nothing else answers to the name (a white noise machine's plug, not its volume)."""
        turned_off = _TURNED_OFF.fullmatch(words)
        if turned_off is None:
            return None
        lowest = self.templates.match(f"set {turned_off.group(1) or turned_off.group(2)} to the lowest", self.area)
        if lowest is None or not lowest.targets:
            return None
        from_zero = all(e.component == "number" and float(e.config.get("min", 1)) == 0 for e in lowest.targets)
        return lowest if from_zero else None

    def _terse_setting(self, text: str, words: str) -> Intent | None:
        """"Back on auto" after "climate off", "and on eco" after "put the heating on 20", "now
        auto" after the roof vent: put it back on auto, put it on eco, put it on auto."""
        terse = _TERSE_SETTING.fullmatch(words)
        if terse is None or not (terse.group("on") or terse.group("first") == "now "):
            return None
        if self._nothing_talked_about():
            return None
        value = terse.group("value")
        if self._names_only(value) and not self._a_setting_of_the_last(value):
            return None  # "and the fridge" (but "now auto" for the roof vent beside an "Auto Level" button)
        setting = f"{terse.group('on') or 'on '}{terse.group('value')}{terse.group('mode') or ''}"
        return self._understand_strictly(f"put it {setting}", f"put it {setting}", joined=True)

    def _a_setting_of_the_last(self, value: str) -> bool:
        """Whether `value` is a preset, mode or option of the devices just talked about."""
        context = self._context
        settings = ("preset_modes", "modes", "fan_modes", "options", "swing_modes")
        return context is not None and any(
            normalize_name(str(option)) == value
            for e in context.intent.targets for key in settings for option in e.config.get(key) or []
        )

    def _joined_on(self, text: str, words: str) -> Intent | None:
        """"The passenger one too", "passenger side as well": "and the passenger side too"."""
        if not _TOO.search(text) or _AND_FIRST.match(text):
            return None
        return self._understand_strictly(f"and {text}", f"and {words}", joined=True)

    def _asked_about(self, intent: Intent) -> bool:
        """Whether a question names what "it" means next. Not the home's thermostat that answered
        "how cold is it out here?" on the balcony: asked about the weather there, it must not
        become "them" in "turn them off"."""
        if intent.name != "HassClimateGetTemperature" or not self.area:
            return True
        if intent.slots.get("name") or intent.slots.get("domain"):
            return True  # "what's the heating set to": the heating is asked about
        here = normalize_name(str(intent.slots.get("area") or self.area))
        return all(e.area and normalize_name(e.area) == here for e in intent.targets)

    def _carries_over(self, words: str) -> bool:
        """ "Now the floor lamp too", "and the hallway": only another device or place, joined on."""
        joined = re.match(r"(?:and|now|also|plus) ", words) or re.search(r" (?:too|as well)$", words)
        return bool(joined) and self._names_only(re.sub(r"^(?:and|now|also|plus) ", "", words))

    def _names_only(self, text: str) -> bool:
        """Whether `text` only names a device or an area ("the floor lamp too")."""
        bare = _bare_target(text)
        return bool(self._named(bare)) or self.registry.find_area(bare) is not None

    def _named(self, key: str) -> list[Entity]:
        """The entities named `key` here, or named its singular ("the festoons" for the "Festoon
        Lights", which answer to "festoon")."""
        named = entities_named(self.registry, key, self.area)
        return named or (entities_named(self.registry, key[:-1], self.area) if key.endswith("s") else [])

    def _scheduled(self, text: str) -> str | None:
        """"Turn on the blanket at seven": nothing is done, but the blanket is what "turn it on
        now" means next. Returns the reply, or None when it was not a command at a set time."""
        words = normalize_name(text.replace("%", " percent"))
        when = _AT_A_TIME.search(words)
        if when is None:
            return None
        rest = " ".join((words[: when.start()] + " " + words[when.end():]).split())
        intent = self._understand_strictly(rest, rest)
        if intent is None or not intent.targets:
            return None
        level = when.group(0).removeprefix("at ")
        if (level.isdigit() or level in DIGIT_WORDS.values()) and all(e.component in _LEVELLED for e in intent.targets):
            # "Fridge at six please": a temperature or a level, not a time.
            return None
        self._remember(intent)
        return "I can't do that at a set time yet."

    def _refers_back(self, words: str) -> bool:
        """"It", "them" while the last devices are still the subject; "make it warmer" after a
        light is the room's heating, not the light's colour."""
        context = self._context
        if context is None or self._expired(context.at, self.settings.context_seconds):
            return False
        if not re.search(r"\b(?:it(?! s\b)|them|they|those|these)\b", words) and not _him_or_her(
            words, context.intent.targets
        ):
            # "It's bedtime" is not about "it".
            return False
        climate = all(e.component == "climate" for e in context.intent.targets)
        return climate or not re.search(r"\b(?:warm|warmer|cool|cooler|colder|hotter|cold|hot)\b", words)

    def _fan_mode_elsewhere(self, intent: Intent) -> bool:
        """"Fan on high" beside a ceiling fan is about that fan, not the fan mode of an air
        conditioner in another room, unless that air conditioner is what was just talked about."""
        if intent.name != "HassClimateSetFanMode" or "name" in intent.slots or not self.area:
            return False
        if not any(e.component == "fan" and _in_area(e, self.area) for e in self.registry):
            return False
        context = self._context
        last = context.intent.targets if context is not None else []
        return all(not _in_area(e, self.area) and e not in last for e in intent.targets)

    def _rear_fan_as_climate(self, text: str) -> str:
        """"Put the back fan on high": the fan of the car's one "Rear Climate" when nothing else
        is the rear fan (no fan entity, no area called that)."""
        said = _REAR_FAN.search(text)
        if said is None or any(self.registry.find_area(word) is not None for word in ("rear", "back")):
            return text
        if any(e.component == "fan" for e in self.registry):
            return text
        rear = [
            min((normalize_name(n) for n in e.names), key=len)
            for e in self.registry
            if e.component == "climate" and any(normalize_name(n).split()[0] in ("rear", "back") for n in e.names)
        ]
        if len(rear) != 1:
            return text
        return text[: said.start()] + f"the {rear[0]} fan" + text[said.end():]

    def _inline_remark(self, text: str) -> Intent | None:
        """A remark run into the command without a pause: "too hot make it nineteen", "close the
        sunshade the sun is in their eyes"."""
        words = normalize_name(text)
        before = _INLINE_PREAMBLE.match(words)
        if before is not None:
            rest = words[before.end():]
            return self._understand_strictly(rest, rest)
        after = _INLINE_REMARK.search(words)
        if after is not None and after.start() > 0:
            rest = words[: after.start()]
            return self._understand_strictly(rest, rest)
        return None

    def _moving_covers(self) -> list[Entity]:
        """The covers just told to open or close, while they may still be moving."""
        context = self._context
        if context is None or self._expired(context.at, _COVER_TRAVEL_SECONDS):
            return []
        last = context.intent
        if last.name not in ("HassTurnOn", "HassTurnOff", "HassSetPosition", "HassSetPositionRelative"):
            return []
        return [e for e in last.targets if e.component == "cover"] if last.targets else []

    def _after_preamble(self, text: str) -> Intent | None:
        """"My hands are freezing, switch on the steering wheel heater": the command after a remark.

        Only the last part is taken, only if it is a whole command, and only if nothing before it
        says "not" or is a command itself, unless a complaint ("that's too bright, dim it to 40
        percent": the explicit command says how much).
        """
        remark, comma, command = text.rpartition(",")
        if not comma or not remark.strip() or re.search(r"\b(?:not|don t|dont|never)\b", normalize_name(remark)):
            return None
        if _REMARK.match(normalize_name(command)):
            # "Turn the radiator off, it's too warm for her": the complaint is not the command.
            first = remark.strip()
            return self._understand_strictly(first, normalize_name(first))
        said_first = self._understand_strictly(remark.strip(), normalize_name(remark))
        if said_first is not None and not said_first.name.endswith("Relative"):
            # "Switch off Tom's lamp, he's left it on again": the command, then a remark.
            first, _, rest = text.partition(",")
            if self._understand_strictly(rest.strip(), normalize_name(rest)) is None:
                return self._understand_strictly(first.strip(), normalize_name(first))
            return None
        return self._understand_strictly(command.strip(), normalize_name(command))

    def _understand_loosely(self, text: str, words: str, intent: Intent | None, use_model: bool) -> Intent | None:
        """What the templates missed: a paraphrase, then the small model's second opinion."""
        if intent is None or (not intent.targets and "name" in intent.slots):
            # Nothing matched, or a template named a device this house does not have under that
            # name ("make me a coffee" where the switch is the "Coffee Maker").
            intent = self._paraphrased(text) or intent
        if intent is None and use_model and self.model is not None and len(words.split()) >= 2:
            try:
                intent = self.model.understand(text, self.registry, self.area)
            except Exception:
                # The model is a second opinion: its failure must not cost the user the turn.
                _LOGGER.exception("The language model failed on %r; answering without it", text)
                intent = None
            if intent is not None and not plausible_model_intent(intent, text):
                _LOGGER.info("Dropped the language model's %s %s for %r: not grounded in what was said",
                             intent.name, intent.slots, text)
                intent = None
        return intent

    def _clauses(self, text: str) -> list[str] | None:
        """Two or more commands in one breath: "turn off the tv and then switch on the lamp".

        Only when the first part is a whole command by itself; later parts may lean on it
        ("turn on the kitchen light and set it to 50 percent").
        """
        said = [part.strip(" ,.") for part in _CLAUSE_BREAK.split(text)]
        parts = [part for part in said if part and not _REMARK.match(normalize_name(_tidy(part)))]
        if len(parts) == 1 and len([part for part in said if part]) > 1:
            # "OK that's too much, make it 24": the one command beside a remark.
            return parts if self._understand_strictly(parts[0], normalize_name(parts[0])) else None
        if len(parts) < 2:
            return None
        first = self._understand_strictly(parts[0], normalize_name(parts[0]))
        if first is None:
            return self._per_area(text)
        # "..., turn off the lights and the TV": a part that only names a device is "and the TV",
        # the command before it again, never Home Assistant's bare name that turns it on.
        return [parts[0], *(f"and {part}" if self._names_only(part) else part for part in parts[1:])]

    def _per_area(self, text: str) -> list[str] | None:
        """"Set the driver and passenger climate to 21": the same command once for each area."""
        spellings = sorted(
            {normalize_name(s) for area, aliases in self.registry.areas.items() for s in (area, *aliases)}
            | set(self.registry.short_area_names()),
            key=len, reverse=True,
        )
        if not spellings:
            return None
        either = "|".join(re.escape(s) for s in spellings if s)
        words = normalize_name(text)
        pair = re.search(rf"\b({either}) and ({either})\b", words)
        if pair is None:
            return None
        variants = [words[: pair.start()] + area + words[pair.end():] for area in pair.groups()]
        if any(self.templates.match(variant, self.area) is None for variant in variants):
            return None
        return variants

    def _carry_out_clauses(self, turn: Turn, clauses: list[str]) -> Turn:
        """Each part in order, as if said one after the other; the small model is not asked.

        A part that needs a yes keeps waiting for it while the later parts are carried out.
        """
        replies: list[str] = []
        waiting: _Pending | None = None
        switched_on: set[str] = set()
        parts: list[Turn] = []
        for clause in clauses:
            part = self._handle(clause, use_model=False)
            if part.intent is None and parts and parts[-1].intent and not re.match(r"(?:and|then)\b", clause):
                # "Kitchen strip to 25 and the worktop to 80": the later part leans on the first.
                self._misunderstood = False
                part = self._handle(f"and {clause}", use_model=False)
            parts.append(part)
            waiting = self._pending or waiting
            self._pending = None
            turn.intent = turn.intent or part.intent
            if part.intent is not None and part.intent.name == "HassLightSet":
                # "Turn on the landing light, maybe twenty percent": setting the light turns it on,
                # so its own "on" message is not sent as well.
                lights = {e.entity_id for e in part.intent.targets} & switched_on
                turn.actions = [a for a in turn.actions if a.entity_id not in lights]
            if part.intent is not None and part.intent.name == "HassTurnOn":
                switched_on |= {a.entity_id for a in part.actions}
            # "Warm my bum up, seat heater on medium": the later setting of a topic stands alone.
            settings = {a.topic: a.payload for a in part.actions}
            turn.actions = [a for a in turn.actions if settings.get(a.topic, a.payload) == a.payload]
            # "Go back, play the previous track": one press, not two.
            sent = {(a.topic, a.payload) for a in turn.actions}
            turn.actions.extend(a for a in part.actions if (a.topic, a.payload) not in sent)
            turn.expects_answer = turn.expects_answer or part.expects_answer
            if part.reply:
                replies.append(part.reply)
        self._pending = waiting
        turn.reply = " ".join(replies)
        # Understood as a whole when any part was ("..., we'll be going to bed soon" is a remark).
        self._misunderstood = all(part.intent is None for part in parts)
        done = [part for part in parts if part.intent is not None and part.intent.targets]
        if len(done) > 1 and len({part.intent.name for part in done}) == 1:
            # "Turn on the windscreen defrost and the rear one", then "turn them both off".
            targets: list[Entity] = []
            for part in done:
                targets += [e for e in part.intent.targets if e not in targets]
            self._context = _Context(_remembered(replace(done[-1].intent, targets=targets)), self._clock())
        return turn

    def _compound(self, text: str) -> Intent | None:
        """One action on several devices: "turn on the kitchen light and the bedside lamp".

        The first part must be a whole command; each part after an "and" must name devices (or an
        area with devices of the same kinds), as "and the bedside lamp" would right after it.
        """
        first, *others = (normalize_name(part) for part in re.split(r",? and (?:also )?|, ", text.lower()))
        if not others:
            return None
        intent = self.templates.match(first, self.area)
        if intent is None or not intent.targets:
            return None
        targets = list(intent.targets)
        for part in others:
            more = self._targets_like(_bare_target(part), intent.targets)
            if not more:
                return None
            targets.extend(e for e in more if e not in targets)
        slots = _setting_slots(intent)
        return Intent(intent.name, slots, targets, source=intent.source, text=text)

    def _paraphrased(self, text: str) -> Intent | None:
        """An everyday phrasing restated plainly (`nlu.paraphrase`), then matched by the templates."""
        plain = paraphrase(text, self.registry)
        intent = self.templates.match(plain, self.area) if plain else None
        if intent is None or not intent.targets:
            return None
        if any(entity.component not in PARAPHRASE_COMPONENTS for entity in intent.targets):
            return None
        _LOGGER.debug("Paraphrased %r as %r", text, plain)
        return replace(intent, source="paraphrase", text=text)

    # --- follow-ups -------------------------------------------------------------------------

    def _follow_up(self, text: str, words: str) -> Intent | None:
        """Resolve pronouns and ellipsis against the devices of the last turn."""
        context = self._context
        if context is None or self._expired(context.at, self.settings.context_seconds):
            return None
        last = context.intent
        if not last.targets:
            return None
        if re.search(r"\bmine\b", words):
            # "Turn mine off" after the driver turned on the passenger's heated seat.
            mine = self._targets_like("mine", last.targets)
            if not mine:
                return None
            last = replace(last, targets=mine)
            if _MINE_TOO.fullmatch(words):
                # "Mine too" after "passenger seat heating on low": the same, on my seat.
                slots = _setting_slots(last)
                return Intent(last.name, slots, mine, source="dialogue", text=text)
            words = re.sub(r"\bmine\b", "it", words)
            text = words
        if _THE_OTHER.fullmatch(words):
            # "And the other one" after the left vent window, "the other side" after the rear left
            # reading light: the one of its kind whose name shares the most words with it.
            components = {e.component for e in last.targets}
            others = [e for e in self.registry if e not in last.targets and e.component in components]
            said_before = {w for e in last.targets for w in normalize_name(e.name).split()}
            shared = [len(said_before & set(normalize_name(e.name).split())) for e in others]
            others = [e for e, n in zip(others, shared, strict=True) if n == max(shared, default=0) and n > 1]
            if len(others) == 1:
                slots = _setting_slots(last)
                return Intent(last.name, slots, others, source="dialogue", text=text)
        one = _THE_ONE.search(words)
        if one is not None:
            chosen = self._the_one(one.group(1), last.targets)
            if len(chosen) == 1:
                intent = self.templates.match(words[: one.start()] + chosen[0].name + words[one.end():], self.area)
                if intent is not None and intent.targets:
                    return replace(intent, source="dialogue", text=text)
        again = _repeat_step(last, words)
        if again is not None:
            return replace(again, source="dialogue", text=text)
        if _COMPARATIVE.fullmatch(words):
            # "warmer", "a bit brighter": the last devices, as if "make it warmer" had been said.
            # "Little dimmer" is "a little dimmer", a small step, not a plain "dimmer".
            words = re.sub(r"^(bit|little|touch|tad|little bit|wee bit) ", r"a \1 ", words)
            words = f"make {'it' if len(last.targets) == 1 else 'them'} {words}"
            text = words
        if words in ("off", "on", "switch off", "switch on", "turn off", "turn on", "back on", "off again", "on again"):
            # "Off", said right after the kitchen strip was put on.
            name = "HassTurnOff" if "off" in words else "HassTurnOn"
            return Intent(name, {}, list(last.targets), source="dialogue", text=text)
        value = _new_value(last, words)
        if value is not None:
            return value
        color = _bare_color(last, words)
        if color is not None:
            return color
        option = _new_option(last, words)
        if option is not None:
            return option
        other_option = _ALSO_ON.fullmatch(words)
        if other_option and last.name == "HassSelectOption":
            # "And mine on medium" after "passenger seat heating on low".
            targets = self._targets_like(other_option.group(1), last.targets)
            option = _new_option(Intent(last.name, {}, targets), other_option.group(2)) if targets else None
            if option is not None:
                return option
        other_value = None if self._misunderstood else _ALSO_TO.fullmatch(words_to_digits(words))
        setting = _STEP_AFTER_SETTING.get(last.name)
        if other_value and setting is not None and setting[0] in last.slots:
            # "And the floor lamp to 40": the same setting, another device, another value.
            targets = self._targets_like(other_value.group(1), last.targets)
            if targets:
                slots = _setting_slots(last)
                value = other_value.group(2)
                slots[setting[0]] = float(value) if "." in value else int(value)
                return Intent(last.name, slots, targets, source="dialogue", text=text)
        also = None if self._misunderstood else _ALSO.fullmatch(words)
        if also:
            one = re.fullmatch(r"((?:\w+ ){0,2}\w+) one", also.group(1))
            targets = self._the_one(one.group(1), last.targets) if one else []
            # "And the rear one too" after the front demister.
            targets = targets if len(targets) == 1 else self._targets_like(also.group(1), last.targets)
            if targets and (re.match(r"(?:and|an|also|plus)\b", words) or re.search(r"\b(?:too|as well)$", words)):
                # "And the rear one too": "them" now means both.
                self._added_to = [e for e in last.targets if e not in targets]
            if targets:
                slots = _setting_slots(last)
                # "And the rear window defroster" after the heated windscreen's button: on.
                pressed = last.name == "HassButtonPress" and any(e.component != "button" for e in targets)
                return Intent("HassTurnOn" if pressed else last.name, slots, targets, source="dialogue", text=text)
        if _PRONOUN.search(words) or _him_or_her(words, last.targets):
            text = " ".join(FILLERS.sub(" ", text).split())
            stand_in = last.targets[0].name if len(last.targets) == 1 else None
            if stand_in is not None:
                rewritten = re.sub(r"\b(?:it|that|this|them|those|these|they|him|her)\b(?!['’ ]s\b)", stand_in, text,
                                   count=1, flags=re.IGNORECASE)
                intent = self.templates.match(rewritten, self.area)
                if intent is not None and intent.targets:
                    intent.source = "dialogue"
                    return intent
            intent = self.templates.match(re.sub(r"\b(them|those|these|they)\b", "the lights", text), self.area)
            generic = intent or self.templates.match(
                re.sub(r"\b(it|them|that|those|this|these|they)\b", "", text), self.area
            )
            if generic is not None:
                generic = replace(generic, targets=list(last.targets), source="dialogue", text=text)
                return generic
        return None

    def _the_one(self, said_words: str, previous: list[Entity]) -> list[Entity]:
        """What "the X one" means after `previous`: one of them named X ("close the passenger one"
        after the windows were opened), else another of their kind named X ("the rear one" after
        the front demister: the rear demister, before any rear area), else as `_targets_like`."""
        said = set(said_words.split())
        chosen = [e for e in previous if said <= set(normalize_name(e.name).split())]
        kinds = {(e.component, _kind_word(e)) for e in previous}
        alike = [e for e in self.registry if said <= set(normalize_name(e.name).split())
                 and (e.component, _kind_word(e)) in kinds]
        return chosen or alike or self._targets_like(said_words, previous)

    def _targets_like(self, spoken: str, previous: list[Entity]) -> list[Entity]:
        """Entities named `spoken`, or those of the same kind as `previous` in area `spoken`.

        A named entity of another kind counts only when both kinds are simply switched on and off:
        after "unlock the front door", "and the garage door" must not close the garage.
        """
        key = re.sub(r" (?:one|ones|s)$", "", normalize_name(spoken))
        possessive = re.sub(r"\b(\w+) s\b", r"\1", key)
        if possessive != key:
            # "And the driver's fan": the driver fan.
            return self._targets_like(possessive, previous)
        components = {e.component for e in previous}
        if key in ("mine", "me", "my side", "my seat", "my one", "my zone") and self.area:
            # "And mine": the same kind of device in the speaker's own zone (its seat heating,
            # not its drive mode, when the zone has both).
            mine = [e for e in self.registry.in_area(self.area) if e.component in components]
            kinds = {_kind_word(e) for e in previous}
            return [e for e in mine if _kind_word(e) in kinds] or mine
        rooms = dict.fromkeys(e.area for e in previous if e.area)
        # "And his ceiling light too" after Tom's lamp: what Tom's room calls its ceiling light.
        mine = self.registry.room_names(self.area).get(key) if self.area else None
        said_there = [] if mine else [self.registry.room_names(room).get(key) for room in rooms if room != self.area]
        named = [e for e in said_there if e is not None] or self._named(key)
        if not named and re.search(r". (?:light|lamp)s?$", key):
            # "And the kitchen ceiling light" for the light "Kitchen Ceiling".
            named = [e for e in self._named(key.rsplit(" ", 1)[0]) if e.component == "light"]
        named = [e for e in named if e.component in components or {e.component, *components} <= _POWERED
                 or (components == {"button"} and e.component in _POWERED)]
        if len(named) > 1 and key not in self.registry.group_names():
            # "And his ceiling light too" after Tom's lamp: the one in the room just talked about;
            # else "and the big light": this room's, when several rooms have one.
            there = [e for e in named if any(e.area and e.area == p.area for p in previous)]
            here = [e for e in named if self.area and _in_area(e, self.area)]
            named = there or here or named
        if named:
            return named
        area = self.registry.find_area(re.sub(r"^(the|my) ", "", key))
        if area is not None:
            there = [e for e in self.registry.in_area(area) if e.component in components]
            if len(there) > 1 and re.search(r"\bone$", normalize_name(spoken)):
                # "And the hall one" after the porch light, both in the hall: its Hall Light; "and
                # the bedroom one" after the lounge lamp: the bedroom's one lamp.
                kinds = {_kind_word(e) for e in previous}
                same_kind = [e for e in there if _kind_word(e) in kinds]
                titled = [e for e in same_kind if normalize_name(e.name) == f"{normalize_name(area)} {_kind_word(e)}"]
                return titled if len(titled) == 1 else same_kind if len(same_kind) == 1 else []
            if len(there) > 1 and components <= {"number", "select"}:
                # "Now the rear left" after the seat ventilation: its ventilation, not its heating.
                kinds = {_kind_word(e) for e in previous}
                return [e for e in there if _kind_word(e) in kinds]
            if len(there) > 1 and components <= {"cover", "lock"}:
                # "And the second row too" after the third row's sunshade: its sunshade, not also
                # its sliding doors.
                kinds = {_kind_word(e) for e in previous}
                return [e for e in there if _kind_word(e) in kinds] or there
            return there
        place, _, kind = re.sub(r"^(the|my) ", "", key).rpartition(" ")
        area = self.registry.find_area(place) if place else None
        if area is not None and kind in (*_KIND_COMPONENTS, "fan", "side", "seat", "zone", "climate"):
            # "And the driver's fan" after the passenger's fan mode: the same kind in that area.
            return [e for e in self.registry.in_area(area) if e.component in components]
        kind = _KIND_COMPONENTS.get(re.sub(r"^(the|my) ", "", key))
        if kind is not None and (kind in components or {kind, *components} <= _POWERED):
            # "And the fan": the fans of the speaker's room, or the house's only one.
            here = [e for e in self.registry.in_area(self.area) if e.component == kind] if self.area else []
            anywhere = self.registry.of_component(kind)
            return here or (anywhere if len(anywhere) == 1 else [])
        # "and the passenger seat" after the driver's seat heating: the one of the same kind whose
        # name begins with what was said.
        said = key.split()
        begun = [e for e in self.registry if e.component in components and e not in previous
                 and any(set(said) < set(normalize_name(n).split()) for n in e.names)]
        if len(begun) > 1:
            # "The passenger seat" after the driver's seat heating: its heating, not its massage.
            kinds = {_kind_word(e) for e in previous}
            begun = [e for e in begun if _kind_word(e) in kinds]
        return begun if len(begun) == 1 else []

    # --- doing it ---------------------------------------------------------------------------

    def _carry_out(self, turn: Turn, intent: Intent) -> Turn:
        turn.intent = intent
        spec = INTENTS.get(intent.name)
        if spec is None:
            # Recognised by Home Assistant's sentences, but nothing here can do it (play music,
            # shopping lists, weather...).
            turn.reply = SORRY_NOT_UNDERSTOOD
            return turn
        if intent.name == "HassNevermind":
            turn.stop_speaking = True
            return turn
        if intent.name in ("HassGetCurrentTime", "HassGetCurrentDate"):
            now = time.localtime()
            turn.reply = time.strftime("It is %-I:%M %p." if intent.name == "HassGetCurrentTime"
                                       else "Today is %A, %B %-d.", now)
            return turn
        if intent.name in TIMER_INTENTS:
            turn.reply = self._timer(intent)
            return turn
        if spec is not None and not spec.changes_devices:
            turn.reply = answer_question(intent) if intent.targets else "I don't know which device you mean."
            if self._asked_about(intent):
                self._remember(intent)
            return turn
        if not intent.targets and intent.ambiguous:
            names = [spoken_name(e) for e in intent.ambiguous]
            turn.reply = f"Which one: {', '.join(names[:-1])} or {names[-1]}?"
            turn.expects_answer = True
            self._which = (intent, self._clock())
            return turn
        if not intent.targets:
            turn.reply = "I don't know which device you mean."
            return turn
        try:
            actions = build_actions(intent)
        except ActionError as err:
            turn.reply = str(err)
            return turn
        if not actions:
            turn.reply = SORRY_NOT_UNDERSTOOD
            return turn
        if intent.source == "model" and self.settings.confirm_model_guesses:
            self._pending = _Pending(intent, actions, self._clock())
            turn.reply = f"Did you mean: {describe_guess(intent, actions)}?"
            turn.expects_answer = True
            return turn
        if self._needs_confirmation(intent):
            self._pending = _Pending(intent, actions, self._clock())
            turn.reply = confirmation_question(intent)
            turn.expects_answer = True
            self._remember(intent)
            return turn
        return self._execute(turn, intent, actions)

    def _execute(self, turn: Turn, intent: Intent, actions: list[Action]) -> Turn:
        turn.intent = intent
        turn.actions = actions
        turn.reply = reply_for(intent, actions)
        for action in actions:
            entity = self.registry.by_entity_id(action.entity_id)
            if entity is not None:
                assume_commanded(entity, action.topic, action.payload)
        self._remember(intent)
        return turn

    def _remember(self, intent: Intent) -> None:
        if intent.targets:
            if self._added_to:
                intent = replace(intent, targets=[*self._added_to, *intent.targets])
            self._context = _Context(_remembered(intent), self._clock())
        self._added_to = []

    def _needs_confirmation(self, intent: Intent) -> bool:
        protected = set(self.settings.confirm)
        for entity in intent.targets:
            risky = _is_risky(intent, entity)
            if not risky:
                continue
            if entity.entity_id in protected or entity.component in protected:
                return True
            if entity.component == "cover" and (entity.device_class or "") in protected:
                return True
        return False

    def _timer(self, intent: Intent) -> str:
        slots = intent.slots
        seconds = (
            float(slots.get("hours") or 0) * 3600
            + float(slots.get("minutes") or 0) * 60
            + float(slots.get("seconds") or 0)
        )
        name = slots.get("name")
        try:
            if intent.name == "HassStartTimer":
                command = slots.get("conversation_command")
                timer = self.timers.start(seconds, name, command=str(command) if command else None)
                if command:
                    return f"In {speak_duration(seconds)}, I'll {str(command).rstrip('.')}."
                return f"Timer set for {speak_duration(seconds)}."
            if intent.name == "HassCancelAllTimers":
                count = self.timers.cancel_all()
                return "All timers cancelled." if count else "There are no timers running."
            if intent.name == "HassCancelTimer":
                timer = self.timers.cancel(name)
                return f"{timer.name.capitalize()} timer cancelled."
            if intent.name == "HassPauseTimer":
                timer = self.timers.pause(name)
                return f"{timer.name.capitalize()} timer paused."
            if intent.name == "HassUnpauseTimer":
                timer = self.timers.resume(name)
                return f"{timer.name.capitalize()} timer resumed."
            if intent.name in ("HassIncreaseTimer", "HassDecreaseTimer"):
                sign = 1 if intent.name == "HassIncreaseTimer" else -1
                timer = self.timers.add(sign * seconds, name)
                return f"{speak_duration(seconds).capitalize()} {'added' if sign > 0 else 'removed'}."
            if intent.name == "HassTimerStatus":
                timer, left = self.timers.remaining(name)
                return f"{speak_duration(left).capitalize()} left on the {timer.name} timer."
        except TimerError as err:
            return str(err)
        return SORRY_NOT_UNDERSTOOD

    def _nothing_talked_about(self) -> bool:
        context = self._context
        return context is None or self._expired(context.at, self.settings.context_seconds)

    def _expired(self, at: float, seconds: float) -> bool:
        return self._clock() - at > seconds

    def _pending_expired(self) -> bool:
        return self._pending is not None and self._expired(self._pending.at, self.settings.confirm_seconds)


QUESTION_START = re.compile(
    r"^(what|what's|whats|is|are|was|were|how|when|which|who|whose|does|do|did|can you tell|tell me)\b"
)
ABSOLUTE_VALUE_SLOTS = ("brightness", "position", "temperature", "percentage", "value", "volume_level",
                        "humidity", "hours", "minutes", "seconds")


_CLAUSE_BREAK = re.compile(
    r"\s*(?:,\s*)?\b(?:and then|and also|and after that|and(?! a half\b| a quarter\b)|then|after that)\b\s*|\s*[;,]\s*",
    re.IGNORECASE,
)
"""Where one command ends and the next begins."""

_POWERED = frozenset({"light", "switch", "fan", "humidifier"})
"""Kinds of device for which "on" and "off" mean the same thing, so one command may cover several."""

_ALSO = re.compile(
    r"(?:do the same for|do the same in|the same for|the same in|what about|how about|and also|same for|same in"
    r"|and in|and for|now do|also|plus|and|an|now|in|for) (?:the |my |his |her |their |our |your )?(.+?)"
    r"(?: too| as well| also| please)?"
)
"""A follow-up that only names other devices or another area: "and the hallway", "now the bedroom"."""

_ALSO_ON = re.compile(r"(?:and|now|also|then) (?:the |my )?(.+?) (?:on|to) (.+?)(?: too| as well| please)?")
"""The last select for other devices and another option: "and mine on medium"."""

_ALSO_TO = re.compile(
    r"(?:and|now|also|then) (?:the |my )?(.+?) to (\d+(?:\.\d+)?)(?: ?%| percent| degrees?)?(?: too| as well)?"
)
"""The last setting for other devices and another value: "and the floor lamp to 40"."""

_SELF_CORRECTION = re.compile(
    r"\b(to |at )?\d+(?:\.\d+)?(?: ?%| percent| degrees?)?,? (?:no wait|no sorry|sorry|i mean|no)[,]? (\d+)"
)
"""A number corrected as it is said: "set the volume to 20 no wait 10" is 10."""

_NAME_CORRECTION = re.compile(
    r"(.+?\b)(?:the|my) [^,\d]+?,? (?:no sorry|no wait|sorry|i mean|no i mean|no),? ((?:the|my) [^,\d]+?)[.!]?",
    re.IGNORECASE,
)
"""A device corrected as it is said: "turn on the living strip, no sorry, the kitchen strip"."""

_REMARK = re.compile(
    r"^(?:it s|its|it is|that s|thats|that is|i m|im|i am|we re|we are|he s|she s|they re|the \w+ s)\b"
    r"|^(?:she|he|they|it|the \w+) (?:says|said|is|are|feels|looks|seems)\b"
    r"|^\w+ (?:s|is|are) (?:in|done|here|ready|loaded|packed|home|back|asleep|awake|on)$"
    r"|^but not\b|^not\b"
    r"|^(?:(?:a )?(?:bit|little|wee bit|touch|tad|way|far|much) )?too \w+$"
    r"|^(?:(?:i m|im|we re|were) )?(?:fixin|fixing|about|gonna|going) to\b"
    r"|^(?:there s|theres|there is) a good\b|^(?:i like )?to be (?:sure|safe)$"
    r"|^my \w+(?: in law)? (?:is |s )?(?:coming|here|arriving|home|back|visiting)\b"
)
"""A remark beside the commands of one sentence ("..., it's too warm for her", "she says it's too
warm", "the sun is in the baby's eyes", "but not too bright", "too bright, back to 40")."""

_INLINE_PREAMBLE = re.compile(
    r"^(?:it[' ]s|its|it is|that[' ]s|thats|that is|i[' ]m|im|i am|we[' ]re|we are|too|so|my \w+ (?:is|are)"
    r"|(?P<named>the \w+) (?:is|are))\b.*?\s"
    r"(?<!too )(?<!so )(?<!very )"
    r"(?=(?:switch|set|turn|make|put|lock|unlock|start|stop|raise|bring)\b"
    r"|(?:open|close|dim|lower) (?:the|it|them|my|our|all|everything|down|up)\b)"
)
"""A complaint said before the command: "its freezing switch my climate to heat"; `named`, what
it is about ("the spotlights are glaring, bring them down"). "Dim", "close", "open" and "lower"
are commands only with what they act on: "it's a bit dim in here" is no "dim in here"."""

_INLINE_REMARK = re.compile(
    r"\s(?:it s|its|it is|the \w+ is|he s|she s|they re|theyre|now that|because|cause|since|so that|so (?:i|we) can"
    r"|(?:i|we) (?:need|have) to|i can t|i think|we re|i ve|we ve|i m)\b.*$"
)
"""A remark said after the command: "close them again its too loud", "close it again now that
the car's out", "open the garage i need to get the car out"."""

_PRONOUN = re.compile(r"\b(?:it|them|that|those|this|these|they)\b(?! s\b)")
""""It", "them", "that" for the last devices; "it's", "that's lovely" are remarks, not about them."""
_MINE_TOO = re.compile(r"(?:and |now |do )?mine(?: too| as well| also| please)?")
_THE_OTHER = re.compile(r"(?:and |now |then |do )?the other (?:one|side)?(?: too| as well| also| please)?")
_THE_ONE = re.compile(r"\bthe ((?:\w+ ){0,2}\w+) ones?\b")
""""The passenger one", "the rear ones": devices of the kind just talked about, by a word."""

_COVER_TRAVEL_SECONDS = 30.0
"""How long after "open the sunroof" a bare "stop" still means stopping it."""

_AT_A_TIME = re.compile(
    r"\b(?:at (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|midnight)"
    r"(?!\s*(?:%|percent|per cent|degree))"
    r"(?: \d+| thirty| fifteen| forty five| o clock)?(?: ?[ap] ?m)?|tonight|tomorrow(?: morning| evening| night)?"
    r"|later(?: on)?|in the (?:morning|evening)|this (?:evening|afternoon|arvo)|every (?:day|night|morning|evening)"
    r"|(?:in the|this) arvo|tomorrow arvo"
    r"|(?:at|before|after|around|by) (?:sunset|sunrise|dusk|dawn|bedtime|dark|nightfall)|when it gets dark"
    r"|when i (?:get|arrive|come) home)\b"
)
"""A set time, which the assistant cannot keep yet ("in ten minutes" is a timer and works); "at 50
percent" is a level."""

_LEVELLED = frozenset({"climate", "water_heater", "number", "humidifier"})
"""What "at six" sets a level of rather than a time for."""
_NAMED_LIKE_PEOPLE = frozenset({"vacuum", "lawn_mower"})
"""Robots people call "him" or "her" ("send him back to his dock")."""

_KIND_COMPONENTS = {
    **dict.fromkeys(("fan", "fans"), "fan"),
    **dict.fromkeys(("light", "lights", "lamp", "lamps"), "light"),
    **dict.fromkeys(("blind", "blinds", "curtain", "curtains", "shade", "shades", "shutters"), "cover"),
    **dict.fromkeys(("heating", "heater", "thermostat"), "climate"),
    **dict.fromkeys(("humidifier", "dehumidifier"), "humidifier"),
    **dict.fromkeys(("vacuum", "hoover", "robot vacuum"), "vacuum"),
}
"""What a follow-up names by kind ("and the fan"), as the component of those devices."""

_AND_FIRST = re.compile(r"^\s*(?:(?:and|but|also|plus|then|oh)\b[\s,]*)+", re.IGNORECASE)

_NEW_VALUE = re.compile(
    r"(?:(?:and )?now |then )?"
    r"(?:i meant |i said |make (?:that|it|them|those|both) |set (?:it|them|both) to |put (?:it|them|both) (?:on|at|to) "
    r"|turn (?:it|them) (?:up |down )?to |(?:back |right )?(?:up |down )?to |at |and (?:to )?)?"
    r"(halfway|half way|half|(?:full|max|maximum)(?: brightness)?|\d+(?:\.\d+)?)(?: ?%| percent| degrees?)?"
    r"(?: please| then| instead| will do| would do| is fine| is good| is enough| should do)?"
)
"""A new value alone, correcting the last setting: "no, twenty", "actually just halfway", "to 30 percent"."""

_A_BIT = r"(?:(?:a )?(?:bit|little|touch|lot|tad|little bit|wee bit|smidge) )?"
""""A bit", "a little", "a wee bit", "a lot" before a comparative."""
_COMPARATIVE = re.compile(
    r"(?:(?:a|one|two|three|half a|\d+(?:\.\d+)?) degrees? )?" + _A_BIT
    + r"(?:brighter|dimmer|darker|warmer|cooler|colder|hotter|faster|slower|louder|quieter|higher|lower)"
    r"(?: please| still| again)?"
)
_TERSE_SETTING = re.compile(
    r"(?P<first>(?:and|now) )?(?P<on>(?:back )?(?:on|to|in) )?(?P<value>[a-z]+(?: [a-z]+)?)(?P<mode> mode)?"
)
"""A setting said alone after a device: "back on auto", "and on eco", "now auto"."""
_TURNED_OFF = re.compile(r"(?:turn|switch|shut) (?:off (.+)|(.+) off)")
_WARMER = re.compile(_A_BIT + r"(?:warmer|cooler|colder|hotter)")
_IT_DEGREES = re.compile(r"\b(set|put|turn|make) it ((?:up |down )?to \d+(?:\.\d+)? ?(?:degrees?|°))", re.IGNORECASE)
_MORE = re.compile(r"(?:" + _A_BIT + r"|some |even |a little )more(?: please| still)?"
                   r"|again|once more|one more time|(?:(?:a )?(?:bit|little|touch|tad|little bit) )?further"
                   r"|(?:one|a) more (?:degree|notch|step)"
                   r"|another (?:degree|notch|step)|(?:one|a) (?:degree|notch|step) more")
_LESS = re.compile(r"(?:" + _A_BIT + r"|even )less(?: please)?|too much|back a bit")


_STEP_AFTER_SETTING: dict[str, tuple[str, str, str, float]] = {
    "HassLightSet": ("brightness", "HassLightSetRelative", "brightness_step", 10),
    "HassSetPosition": ("position", "HassSetPositionRelative", "position_step", 10),
    "HassClimateSetTemperature": ("temperature", "HassClimateSetTemperatureRelative", "temperature_step", 1),
    "HassFanSetSpeed": ("percentage", "HassFanSetSpeedRelative", "percentage_step", 10),
    "HassNumberSet": ("value", "HassNumberSetRelative", "value_step", 1),
    "HassSetVolume": ("volume_level", "HassSetVolumeRelative", "volume_step", 10),
}
"""After "open my window to 30 percent", "a little more": the relative intent and its usual step."""


def _repeat_step(last: Intent, words: str) -> Intent | None:
    """"More" after a relative change repeats it on the same devices; "less" steps back.

    After an absolute setting, "more" and "less" go one usual step up or down from it; "again"
    after a button ("honk the horn", "again") presses it again.
    """
    if all(e.component == "button" for e in last.targets) and _MORE.fullmatch(words):
        return replace(last, slots=dict(last.slots), targets=list(last.targets))
    after_setting = _STEP_AFTER_SETTING.get(last.name)
    if after_setting is not None and after_setting[0] in last.slots:
        _, relative, step, size = after_setting
        last = Intent(relative, {step: size}, list(last.targets), source=last.source, text=last.text)
    steps = {k: v for k, v in last.slots.items() if k.endswith("_step") and isinstance(v, int | float)}
    if not steps or not last.name.endswith("Relative"):
        return None
    if _MORE.fullmatch(words):
        return replace(last, slots=dict(last.slots), targets=list(last.targets))
    if _LESS.fullmatch(words):
        return replace(last, slots={**last.slots, **{k: -v for k, v in steps.items()}}, targets=list(last.targets))
    return None


def _in_area(entity: Entity, area: str) -> bool:
    return normalize_name(entity.area or "") == normalize_name(area)


def _chosen(words: str, candidates: list[Entity]) -> Entity | None:
    """The one of `candidates` an answer to "which one?" names: "the reading lamp", "the floor
    one", "reading"."""
    said = set(re.sub(r"\b(?:the|one|please|i mean|that|this)\b", " ", words).split())
    if not said:
        return None
    named = [e for e in candidates if said <= set(normalize_name(" ".join(e.names)).split())]
    return named[0] if len(named) == 1 else None


def _setting_slots(intent: Intent) -> dict[str, Any]:
    """What the command sets, without what it named: carried over to other devices."""
    return {k: v for k, v in intent.slots.items() if k not in ("name", "area", "floor")}


def _kind_word(entity: Entity) -> str:
    """The last word of its name, which mostly says its kind ("demister", "window", "heating")."""
    return normalize_name(entity.name).split()[-1]


def _him_or_her(words: str, targets: list[Entity]) -> bool:
    """ "Send him back to his dock" about the one robot just talked about."""
    one_named = len(targets) == 1 and targets[0].component in _NAMED_LIKE_PEOPLE
    return one_named and re.search(r"\b(?:him|her)\b", words) is not None


def _bare_target(text: str) -> str:
    """What a follow-up names, without its article and its "too": "the floor lamp too" -> "floor lamp"."""
    return re.sub(r"^(?:the|my|his|her|their|our|your) |(?: too| as well| also)$", "", normalize_name(text))


_REAR_FAN = re.compile(r"\bthe (?:rear|back) (?:fan|blower)s?\b", re.IGNORECASE)
_LOCK_IT_BACK = re.compile(
    r"^((?:(?:ok|okay|now|then) )?(?:lock|close|shut) (?:it|them)) back(?=[\s.!?]*$)", re.IGNORECASE
)
""""Lock it back": lock it again (Singapore and Indian English)."""
_BACK_ON_OFF = re.compile(r"^((?:turn|switch|put|shut)\b.*\S)\s+back\s+(on|off)([\s.!?]*)$", re.IGNORECASE)
""""Turn the west floodlight back off": on or off again, the same as without "back"."""
_PARTICLE_LAST = re.compile(
    r"^(turn|switch|put)\s+((?:the|my|our)\s+.+?\s+(?:in|at)\s+the\s+.+?)\s+(on|off)([\s.!?]*)$", re.IGNORECASE
)
""""Turn the plug in the boot on": Home Assistant's sentences say "turn on the plug in the boot"."""


def _turned_on_off(said: re.Match[str]) -> str:
    """"Off it" -> "turn it off"; "on back the ceiling light" -> "turn the ceiling light back on"."""
    if said.group(1):
        return f"turn {said.group(2)} {said.group(1)}"
    return f"turn {said.group(4)} back {said.group(3)}"


def _tidy(text: str) -> str:
    """The command without the words around it that never change it ("ok", "please", "instead",
    "its freezing" before "switch my climate to heat", "for the kids in the back", "right" in
    "right down to"; "in the back"
    after "the rear windows", where it is the place already said)."""
    text = _SPELLED.sub(lambda m: m.group(0).replace(" ", ""), text)
    text = _TEXT_SPEAK_YOU.sub("you", _TEXT_SPEAK_THEM.sub("them", _YALL.sub("you", text)))
    text = _RECKON.sub("can you ", text)
    text = _SINGLISH_TAIL.sub("", text) or text
    text = _SET_TO.sub(r"\1 it to", text)
    text = _CAN_I_HAVE.sub("put ", text)
    text = _LAMB.sub("lamp", text)
    text = _MORE_COLD.sub(lambda m: _COMPARATIVE_OF[m.group(1).lower()], text)
    text = _NEXT_TO_THE_BED.sub(r"bedside \1", text)
    text = _ON_THE_SIDE.sub(r"the \2 \1", text)
    text = _HELP_ME.sub("", text)
    text = _ON_OFF_IT.sub(_turned_on_off, text)
    text = _OPEN_THE_POWERED.sub(lambda m: f"turn {'on' if m.group(1).lower() == 'open' else 'off'} {m.group(2)}", text)
    text = _CUT_ON_OFF.sub("turn", text)
    text = _UP_SOME.sub(r"\1 a bit", text)
    text = unwrap(text)
    text = TRAILING_FILLER.sub("", LEADING_FILLER.sub("", text)) or text
    text = _FRONTED.sub(r"\g<verb> \g<what>\g<rest>", text)
    text = _AS_WELL.sub(" too", text)
    text = _A_PIECE.sub("a bit", text)
    if not re.search(r"\b(?:arm|alarm|security)\b", text, re.IGNORECASE):
        text = _FOR_THE_NIGHT.sub("", text)
    text = _MORE_LIKE.sub(r"make it \1", text)
    text = _STILL_TOO.sub("", text)
    text = _AT_LEAST.sub(r"\1", text)
    text, still = _STILL.subn("", text)
    if still and not _AN_AMOUNT.search(text):
        text = re.sub(rf"\b{_MORE_WORD}\b", r"a bit \g<0>", text, count=1, flags=re.IGNORECASE)
    text = _RIGHT_DOWN.sub(r"\1 to", text)
    text = _BACK_ON_OFF.sub(r"\1 \2\3", text)
    text = _LOCK_IT_BACK.sub(r"\1", text)
    text = _PARTICLE_LAST.sub(r"\1 \3 \2\4", text)
    text = _AS_BRIGHT_AS_IT_GOES.sub(r"set \1 to max", text)
    text = _TURN_LIKE.sub(r"turn \1 \2", text)
    text = _FOR_WHOM.sub("", text)
    in_the_back = _IN_THE_BACK.search(text)
    if in_the_back and _REAR_SAID.search(text[: in_the_back.start()]):
        text = TRAILING_FILLER.sub("", text[: in_the_back.start()]) or text
    in_here = _IN_HERE.search(text)
    if in_here and not _ALL_SAID.search(text[: in_here.start()]):
        # "Turn the radiator off in here": the room it is said in anyway; "all the lights in
        # here" keeps it, or it would be the whole home's.
        text = text[: in_here.start()] or text
    preamble = _INLINE_PREAMBLE.match(text.lower())
    if preamble is None:
        return text
    command = text[preamble.end():]
    if preamble.group("named"):
        # "The spotlights are a bit glaring, bring them down": "them" is what the complaint named.
        command = _PRONOUN.sub(preamble.group("named"), command, count=1)
    return command


def _new_value(last: Intent, words: str) -> Intent | None:
    """The last setting (or opening of a cover) again with the value just said."""
    said = _NEW_VALUE.fullmatch(words_to_digits(words))
    if said is None:
        return None
    word = said.group(1)
    climate = any(e.component == "climate" for e in last.targets)
    if climate and (not word[0].isdigit() or re.search(r"%|percent", said.group(0))):
        return None  # half, full or a percent of a brightness or an opening, never of a temperature
    if re.search(r"\bdegrees?\b", said.group(0)) and not climate:
        return None
    number = 50.0 if word.startswith("half") else 100.0 if not word[0].isdigit() else float(word)
    value: float | int = int(number) if number.is_integer() else number
    setting = _STEP_AFTER_SETTING.get(last.name)
    if setting is not None and setting[0] in last.slots:
        return Intent(last.name, {**last.slots, setting[0]: value}, list(last.targets), source="dialogue")
    for absolute, (slot, relative, _, _) in _STEP_AFTER_SETTING.items():
        if last.name == relative:
            # "Warmer on my side", then "make it twenty four".
            return Intent(absolute, {slot: value}, list(last.targets), source="dialogue")
    kinds = {e.component for e in last.targets}
    if kinds == {"climate"} and (last.name.startswith("HassClimate") or last.name == "HassTurnOn"):
        # "AC to cool", then "and 20 degrees".
        return Intent("HassClimateSetTemperature", {"temperature": value}, list(last.targets), source="dialogue")
    if kinds == {"cover"} and last.name in ("HassTurnOn", "HassTurnOff", "HassSetPositionRelative"):
        return Intent("HassSetPosition", {"position": value}, list(last.targets), source="dialogue")
    if kinds == {"light"} and last.name in ("HassTurnOn", "HassLightSet", "HassLightSetRelative"):
        return Intent("HassLightSet", {"brightness": value}, list(last.targets), source="dialogue")
    return None


_DIGITS = {word: digit for digit, word in DIGIT_WORDS.items()}


def _new_option(last: Intent, words: str) -> Intent | None:
    """"Now eco", "back to comfort" after a select was set or asked about: the same select,
    another option; "put it back on auto" after the thermostat's fan was set: its fan mode."""
    spoken = re.sub(
        r"^(?:now |back to |(?:switch|change|turn|put|set) it (?:back )?(?:to|on) |switch to |go to |to |and "
        r"|make it |set it to |level )+"
        r"|(?: mode| please| instead)$",
        "",
        words_to_digits(words),
    )
    spoken = _DIGITS.get(spoken, spoken)
    if last.name == "HassClimateSetFanMode":
        modes = {normalize_name(str(m)): str(m) for e in last.targets for m in e.config.get("fan_modes") or ()}
        if spoken in modes:
            return Intent("HassClimateSetFanMode", {"fan_mode": modes[spoken]}, list(last.targets), source="dialogue")
    selects = [e for e in last.targets if e.component == "select"]
    if not selects:
        return None
    options = {normalize_name(str(o)): str(o) for e in selects for o in e.config.get("options") or ()}
    if spoken not in options:
        return None
    having = [e for e in selects if any(normalize_name(str(o)) == spoken for o in e.config.get("options") or ())]
    return Intent("HassSelectOption", {"option": options[spoken]}, having, source="dialogue")


def _bare_color(last: Intent, words: str) -> Intent | None:
    """"Blue instead", "now red" after a light was set: the same lights in that colour."""
    color = re.sub(r"^(?:now |and |then |make it |to )+|(?: instead| please| now)$", "", words)
    if not all(e.component == "light" for e in last.targets) or color_name_to_rgb(color) is None:
        return None
    return Intent("HassLightSet", {"color": color}, list(last.targets), source="dialogue")


def plausible_model_intent(intent: Intent, text: str) -> bool:
    """Checks on what the small model proposes, before anything is done with it.

    A question never changes a device, and an absolute number the model fills in must have been
    said: "what is the thermostat set to" must not become "set the thermostat to 21".
    """
    spec = INTENTS.get(intent.name)
    spoken = words_to_digits(text.lower())
    if spec is not None and spec.changes_devices and QUESTION_START.match(normalize_name(spoken)):
        return False
    said_numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?", spoken)}
    for slot in ABSOLUTE_VALUE_SLOTS:
        value = intent.slots.get(slot)
        if isinstance(value, int | float) and not isinstance(value, bool) and float(value) not in said_numbers:
            return False
    return True


def _is_risky(intent: Intent, entity: Entity) -> bool:
    """Actions that open something up: unlock, open a door-like cover, disarm."""
    if entity.component == "lock":
        return intent.name in ("HassTurnOff", "HassToggle") or bool(intent.slots.get("open"))
    if entity.component == "alarm_control_panel":
        return intent.name in ("HassAlarmDisarm", "HassTurnOff")
    if entity.component in ("cover", "valve"):
        if intent.name in ("HassTurnOn", "HassToggle"):
            return True
        if intent.name in ("HassSetPosition",):
            return float(intent.slots.get("position") or 0) > 0
        if intent.name == "HassSetPositionRelative":
            return float(intent.slots.get("position_step") or 0) > 0
    return False


def describe_guess(intent: Intent, actions: list[Action]) -> str:
    """The model's reading in words, to ask about it: "turn off the lights in the kitchen"."""
    from assistant.nlu.slm import answer_line

    line = answer_line(intent)
    if line:
        return line
    outcome = reply_for(intent, actions).rstrip(".!")
    return outcome[:1].lower() + outcome[1:]


_NO_THEN = re.compile(r"^\s*(?:no|nope|nah|cancel that|cancel)\b[\s,.!]+(?:(?:actually|just|instead)\b[\s,]*)*(.+\S)",
                      re.IGNORECASE)
"""A refusal followed by what to do instead: "no, close my window instead"."""


def _remembered(intent: Intent) -> Intent:
    """The intent a follow-up builds on: "turn the fan on at 100 percent" then "turn it down to
    50" only changes the speed, so the one-off `turn_on` is not carried over."""
    if "turn_on" not in intent.slots:
        return intent
    return replace(intent, slots={k: v for k, v in intent.slots.items() if k != "turn_on"})


def _is_yes(words: str) -> bool:
    """A plain yes: "yes", "yes please", "yeah do it" — not "okay, turn off the light"."""
    if words in YES:
        return True
    first, *rest = words.split()
    return first in {"yes", "yeah", "yep", "yup", "sure", "aye"} and len(rest) <= 3 and not _starts_with_any(words, NO)


def _starts_with_any(words: str, phrases: set[str]) -> bool:
    return any(words == p or words.startswith(p + " ") for p in phrases)


def _json_slots(slots: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in slots.items() if isinstance(v, str | int | float | bool | list) or v is None}
