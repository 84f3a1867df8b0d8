"""The small language model: understands what the templates miss, and can only answer in grammar.

The prompt is a fixed prefix (instructions, the devices with their areas, worked examples built
from this very house) followed by the utterance. The prefix stays byte-identical between calls,
so llama.cpp keeps its KV cache and a call only evaluates the utterance and the answer's tokens.
It is rebuilt, with the grammar, only when the registry's devices change.

Decoding is greedy under the GBNF grammar of `assistant.nlu.grammar`. llama.cpp's grammar sampler
checks the whole vocabulary at every step (tens of ms with 49k tokens, hundreds with Gemma's
262k), so the grammar is first asked about the model's top candidates only, and about the whole
vocabulary only when none of them fits: the same token comes out, in a fraction of the time.

The answer is then read back, resolved to registry entities and checked again (intent offered,
targets able to do it, values in range). Nothing is done when the model says `none`, when it chose
its intent with a low probability among the answers the grammar allowed, or when the request does
not mention what the answer acts on: no action beats a wrong one. Tiny models are weak judges of
"is this for me at all" (Gemma 3 270M turned "play some jazz" into "turn on the car climate" with
p=0.72), so the last check is what keeps out-of-scope requests from becoming actions.
"""

from __future__ import annotations

import ctypes
import hashlib
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from rapidfuzz import fuzz, process

from assistant.models import gguf_model
from assistant.nlu.catalogue import INTENTS
from assistant.nlu.grammar import (
    DOMAIN_WORDS,
    ENUM_SLOTS,
    HERE,
    NONE,
    PHRASES,
    OutputSpace,
    Reading,
    Target,
    can_do,
    enum_values,
    output_space,
    slot_shape,
    spoken,
)
from assistant.nlu.types import Intent
from assistant.registry import Entity, Registry, normalize_name

_LOGGER = logging.getLogger(__name__)

_CANDIDATE_ROUNDS = (64, 2048)
"""How many of the model's best tokens are shown to the grammar before the whole vocabulary."""
_BATCH_TOKENS = 128
"""Prompt tokens evaluated per step. llama.cpp sizes its working buffer for the logits of a whole
step (vocabulary x step): 514 MB reserved for Gemma's 262k-token vocabulary at its default 512.
Measured on the 2-core VM, 128 keeps SmolLM2 19 MB smaller and evaluates the prompt faster
(3.4 s instead of 4.1 s), as it does for Gemma (1.4 s instead of 1.6 s). The attention cache is
kept in 8 bits (which llama.cpp allows with flash attention): 27 MB less for SmolLM2 at 2048
tokens, at the same speed."""
_REQUEST = "Request:"
_COMMAND = "Command:"


@dataclass(frozen=True)
class SlmSettings:
    model: str = "smollm2-135m"
    """'smollm2-135m' (bundled, the default: the daemon stays under 500 MB with it), 'gemma3-270m'
    (bundled; right about five times as often on its own, 10% against 2% in bench/slm_bench.py, but
    the daemon then takes about 640 MB: its 262k-token vocabulary keeps 235 MB resident) or a path
    to a .gguf file."""
    n_ctx: int = 2048
    """Context window in tokens; the prompt prefix for a house of 20 devices takes about 770."""
    n_threads: int = 2
    max_tokens: int = 32
    """Longest answer; a navigation destination is cut off beyond it."""
    enabled: bool = True
    min_confidence: float = 0.6
    """Lowest probability of the chosen intent, among the answers the grammar allows, to act on."""
    retrieved_examples: int = 0
    """Worked examples, closest to the request, added after the fixed prompt on each call: they
    help the model, but each costs its tokens on every call (see bench/slm_bench.py)."""
    require_reference: bool = True
    """Act only when the request refers to what the answer acts on: a word of the device's name,
    alias or area, a word for its kind ("lamp", "curtains", "freezing"), an option it names, or
    timer/time words. Off lets the model infer devices from nothing, and act on requests that are
    not for it (measured: 5 of 12 out-of-scope requests became actions with Gemma 3 270M)."""


@dataclass
class Answer:
    """What the model wrote, with the probability of each token among the grammar's choices."""

    text: str
    token_probs: list[tuple[int, float]] = field(default_factory=list)
    """(character offset where the token starts, its probability)."""
    seconds: float = 0.0
    prompt_tokens: int = 0
    """Tokens evaluated for this call (those after the cached prefix)."""
    intent_confidence: float = 0.0
    """Probability of the words that chose the intent, among those the grammar allowed."""

    def confidence(self, start: int, end: int) -> float:
        """Probability of the characters [start, end) of the answer: product over their tokens."""
        probability = 1.0
        for offset, p in self.token_probs:
            if start <= offset < end:
                probability *= p
        return probability


class SmallModelUnderstander:
    def __init__(self, settings: SlmSettings = SlmSettings()) -> None:
        self.settings = settings
        self._llm: Any = None
        self._vocab: Any = None
        self._n_vocab = 0
        self._signature = ""
        self._space: OutputSpace | None = None
        self._prefix: list[int] = []
        self._pool: list[tuple[str, str]] = []
        self._sampler: Any = None
        self.last_answer: Answer | None = None
        """The raw answer of the last call, for benchmarks and debugging."""

    # --- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Load the model (raises ModelNotFound) and run it once so the first command is not slow."""
        from llama_cpp import GGML_TYPE_Q8_0, Llama, llama_model_get_vocab

        path = gguf_model(self.settings.model)
        started = time.perf_counter()
        self._llm = Llama(
            model_path=str(path),
            n_ctx=self.settings.n_ctx,
            n_batch=_BATCH_TOKENS,
            n_threads=self.settings.n_threads,
            flash_attn=True,
            type_k=GGML_TYPE_Q8_0,
            type_v=GGML_TYPE_Q8_0,
            verbose=False,
        )
        self._vocab = llama_model_get_vocab(self._llm.model)
        self._n_vocab = self._llm.n_vocab()
        self._llm.eval(self._llm.tokenize(f"{_REQUEST} hello\n{_COMMAND}".encode()))
        _LOGGER.info("Loaded language model %s in %.1f s", path, time.perf_counter() - started)

    def prepare(self, registry: Registry) -> None:
        """Build the grammar and prompt prefix for this house and evaluate the prefix, if changed."""
        signature = _signature(registry)
        if signature == self._signature:
            return
        if self._llm is None:
            self.load()
        started = time.perf_counter()
        space = output_space(registry, INTENTS.values())
        self._set_grammar(space.grammar())
        self._space = space
        self._pool = few_shot(space, registry, every_device=True)
        prefix = build_prefix(space, registry)
        self._prefix = self._llm.tokenize(prefix.encode("utf-8"))
        if len(self._prefix) + 64 > self.settings.n_ctx:
            raise ValueError(
                f"the prompt for {len(registry)} devices takes {len(self._prefix)} tokens, more than "
                f"llm.n_ctx={self.settings.n_ctx} allows: raise llm.n_ctx in the config"
            )
        self._llm.n_tokens = _common_prefix(self._llm, self._prefix)
        self._llm.eval(self._prefix[self._llm.n_tokens :])
        self._signature = signature
        _LOGGER.info(
            "Language model prompt ready: %d devices, %d intents, %d tokens, %.1f s",
            len(registry),
            len(space.intents),
            len(self._prefix),
            time.perf_counter() - started,
        )

    # --- understanding ------------------------------------------------------------------------

    def understand(
        self,
        text: str,
        registry: Registry,
        area: str | None,
        examples: Sequence[tuple[str, str]] = (),
    ) -> Intent | None:
        """The intent the model reads in `text`, resolved to entities, or None.

        `examples` are (request, answer line) pairs, e.g. the closest template sentences rendered
        with `answer_line`; they go after the fixed prefix, so each costs its tokens on every call.
        """
        if not self.settings.enabled or not text.strip():
            return None
        self.prepare(registry)
        assert self._space is not None
        retrieved = closest_examples(text, self._pool, self.settings.retrieved_examples)
        answer = self.generate(text, [*retrieved, *examples])
        self.last_answer = answer
        intent = self._read(answer, registry, area, text)
        _LOGGER.debug("Model: %r -> %r (%.0f ms) -> %s", text, answer.text, answer.seconds * 1000, intent)
        return intent

    def generate(self, text: str, examples: Sequence[tuple[str, str]] = ()) -> Answer:
        """The model's raw answer line for `text` (call `prepare` first)."""
        started = time.perf_counter()
        shots = "".join(f"{_REQUEST} {_one_line(r)}\n{_COMMAND} {_one_line(a)}\n" for r, a in examples)
        query = f"{shots}{_REQUEST} {_one_line(text)}\n{_COMMAND}"
        tokens = self._prefix + self._llm.tokenize(query.encode("utf-8"), add_bos=False)
        if len(tokens) + self.settings.max_tokens > self.settings.n_ctx:
            _LOGGER.debug("Examples do not fit in llm.n_ctx=%d: left out", self.settings.n_ctx)
            query = f"{_REQUEST} {_one_line(text)[:500]}\n{_COMMAND}"
            tokens = self._prefix + self._llm.tokenize(query.encode("utf-8"), add_bos=False)
        answer = self._decode(tokens)
        answer.seconds = time.perf_counter() - started
        return answer

    # --- decoding -----------------------------------------------------------------------------

    def _set_grammar(self, grammar: str) -> None:
        import llama_cpp

        sampler = llama_cpp.llama_sampler_init_grammar(self._vocab, grammar.encode("utf-8"), b"root")
        if not sampler:
            raise ValueError("the grammar built from the devices does not parse (a bug: please report it)")
        if self._sampler is not None:
            llama_cpp.llama_sampler_free(self._sampler)
        self._sampler = sampler

    def _decode(self, tokens: list[int]) -> Answer:
        import llama_cpp

        llm = self._llm
        common = min(_common_prefix(llm, tokens), len(tokens) - 1)
        llm.n_tokens = common
        llm.eval(tokens[common:])
        llama_cpp.llama_sampler_reset(self._sampler)
        answer = Answer(text="", prompt_tokens=len(tokens) - common)
        produced = b""
        for _ in range(self.settings.max_tokens):
            pointer = llama_cpp.llama_get_logits_ith(llm.ctx, -1)
            logits = np.ctypeslib.as_array(pointer, shape=(self._n_vocab,))
            token, probability = self._pick(logits)
            if token is None or llama_cpp.llama_vocab_is_eog(self._vocab, token):
                break
            llama_cpp.llama_sampler_accept(self._sampler, token)
            answer.token_probs.append((len(produced.decode("utf-8", "replace")), probability))
            produced += llm.detokenize([token])
            if b"\n" in produced:
                break
            llm.eval([token])
        answer.text = produced.decode("utf-8", "replace")
        return answer

    def _pick(self, logits: np.ndarray) -> tuple[int | None, float]:
        """The best token the grammar allows, and its probability among the allowed ones."""
        ids: np.ndarray = np.empty(0)
        allowed: np.ndarray = np.empty(0)
        for count in (*_CANDIDATE_ROUNDS, self._n_vocab):
            top = np.argpartition(logits, -count)[-count:] if count < self._n_vocab else np.arange(count)
            ids, allowed = self._allowed(top, logits[top])
            if len(ids):
                break
        if not len(ids):
            return None, 0.0
        best = int(np.argmax(allowed))
        weights = np.exp(allowed - allowed[best])
        return int(ids[best]), float(1.0 / weights.sum())

    def _allowed(self, ids: np.ndarray, logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        import llama_cpp

        data = (llama_cpp.llama_token_data * len(ids))()
        view = np.ctypeslib.as_array(data)
        view["id"] = ids
        view["logit"] = logits
        view["p"] = 0.0
        array = llama_cpp.llama_token_data_array(data=data, size=len(ids), selected=-1, sorted=False)
        llama_cpp.llama_sampler_apply(self._sampler, ctypes.byref(array))
        kept = view[: array.size]
        mask = np.isfinite(kept["logit"])
        return kept["id"][mask].copy(), kept["logit"][mask].astype(np.float64)

    # --- reading the answer -------------------------------------------------------------------

    def _read(self, answer: Answer, registry: Registry, area: str | None, text: str) -> Intent | None:
        assert self._space is not None
        line = answer.text.strip()
        offset = len(answer.text) - len(answer.text.lstrip())
        if not line or line == NONE:
            return None
        if not answer.text.endswith("\n"):
            _LOGGER.debug("Model answer %r cut off at llm.max_tokens: doing nothing", line)
            return None
        reading = self._space.read(line)
        if reading is None:
            _LOGGER.warning("Model answer %r does not read back (grammar and reader disagree)", line)
            return None
        confidence = 1.0
        for start, end in reading.intent_spans:
            confidence *= answer.confidence(offset + start, offset + end)
        answer.intent_confidence = confidence
        if confidence < self.settings.min_confidence:
            _LOGGER.debug("Model unsure of %r (p=%.2f): doing nothing", line, confidence)
            return None
        spec = reading.spec
        targets = resolve_targets(spec.name, reading.target, registry, area)
        if spec.targets_devices and not targets:
            return None
        if not values_valid(spec.name, reading.slots, targets):
            _LOGGER.debug("Model answer %r has a value out of range: doing nothing", line)
            return None
        if self.settings.require_reference and not _refers_to(reading, targets, text):
            _LOGGER.debug("Model answer %r is about nothing the request mentions: doing nothing", line)
            return None
        if not _explicit_enough(spec.name, targets, text):
            _LOGGER.info("Model chose %s on %s, which the request did not name: doing nothing", spec.name,
                         [e.entity_id for e in targets])
            return None
        slots = dict(reading.slots)
        if reading.target is not None:
            slots.update(_target_slots(reading.target, targets, area))
        return Intent(spec.name, slots, targets, source="model", text=text)


def build_prefix(space: OutputSpace, registry: Registry) -> str:
    """The fixed part of the prompt: instructions, devices, worked examples for this house."""
    intents = space.intents
    devices = []
    for entity in sorted(registry, key=lambda e: (e.area or "", e.name)):
        if not _writable_name(entity.name) or not any(can_do(name, entity) for name in intents):
            continue
        also = [spoken(a) for a in entity.aliases if _writable_name(a)]
        aliases = f" (also: {', '.join(also)})" if also else ""
        where = f" in the {spoken(entity.area)}" if entity.area else ""
        hint = _enum_hint(entity, intents)
        devices.append(f"{spoken(entity.name)}{aliases}: {entity.component}{where}{hint}")
    shots = "".join(f"{_REQUEST} {r}\n{_COMMAND} {a}\n" for r, a in few_shot(space, registry))
    return (
        "You turn spoken requests into smart home commands, written in plain words with the exact "
        "device names below. Answer none when the request is not about these devices, timers or "
        "the time.\n\nDevices:\n" + "\n".join(devices) + "\n\n" + shots
    )


# Worked examples: (intent, component, request, answer), written with the house's own devices.
# `{name}` is a device of that component able to do the intent (a different one each time when
# the house has several), `{area}` its area, `{option}` one of its options; intent None: `none`.
_SHOTS: tuple[tuple[str | None, str | None, str, str], ...] = (
    ("HassTurnOn", "light", "switch the {name} on", "turn on the {name}"),
    ("HassTurnOff", "light", "{name} off please", "turn off the {name}"),
    ("HassTurnOff", "light", "all the lights in the {area} off", "turn off the lights in the {area}"),
    (None, None, "who won the football game last night", NONE),
    ("HassLightSet", "light", "{name} at 40 percent", "set the {name} brightness to 40"),
    ("HassLightSetRelative", "light", "a bit more light from the {name}", "brighten the {name} by 20"),
    ("HassLightSetRelative", "light", "it is way too bright in here", "dim the lights in here by 30"),
    ("HassLightSet", "light", "make the {name} blue", "set the {name} color to blue"),
    ("HassTurnOn", "cover", "can you open the {name}", "open the {name}"),
    ("HassTurnOff", "cover", "shut the {name}", "close the {name}"),
    ("HassSetPosition", "cover", "{name} down to 20 percent", "set the {name} position to 20"),
    (None, None, "write me a poem about cats", NONE),
    ("HassClimateSetTemperature", "climate", "make it 21 degrees on the {name}",
     "set the {name} temperature to 21"),
    ("HassClimateSetTemperatureRelative", "climate", "it is much too hot", "cool down the {name} by 2"),
    ("HassClimateSetTemperatureRelative", "climate", "heat the {name} up a bit", "warm up the {name} by 1"),
    ("HassClimateSetMode", "climate", "{name} on {option} please", "set the {name} mode to {option}"),
    ("HassTurnOn", "lock", "lock up the {name}", "lock the {name}"),
    ("HassGetState", "lock", "did I lock the {name}", "what is the state of the {name}"),
    ("HassFanSetSpeed", "fan", "{name} to full speed", "set the {name} speed to 100"),
    ("HassTurnOff", "fan", "stop the {name}", "turn off the {name}"),
    ("HassSelectOption", "select", "{name} {option} please", "set the {name} to {option}"),
    ("HassTurnOn", "switch", "power up the {name}", "turn on the {name}"),
    ("HassTurnOff", "switch", "I don't need the {name} anymore", "turn off the {name}"),
    ("HassNavigate", "text", "take me to the train station", "navigate {name} to the train station"),
    (None, None, "order a pizza for me", NONE),
    ("HassStartTimer", None, "wake me up in ten minutes", "start a timer for 10 minutes"),
    ("HassGetCurrentTime", None, "do you know what time it is", "what time is it"),
    ("HassClimateGetTemperature", "sensor", "is it warm out there", "what is the temperature of the {name}"),
    (None, None, "what is on tv tonight", NONE),
    (None, None, "how tall is mount everest", NONE),
)
_SHOT_SLOTS = {"HassClimateSetMode": "hvac_mode", "HassSelectOption": "option"}


def few_shot(space: OutputSpace, registry: Registry, every_device: bool = False) -> list[tuple[str, str]]:
    """Worked examples written with this house's own devices (see _SHOTS).

    One device per example for the prompt; with `every_device`, each example for every device
    that fits: the pool `closest_examples` draws from.
    """
    intents = space.intents
    entities = sorted(registry, key=lambda e: e.unique_id)
    used: dict[str, int] = {}
    shots: list[tuple[str, str]] = []
    for intent, component, request, answer in _SHOTS:
        if intent is None:
            shots.append((request, answer))
            continue
        if intent not in intents:
            continue
        if component is None:
            shots.append((request, answer))
            continue
        able = [
            e for e in entities
            if e.component == component and can_do(intent, e) and _writable_name(e.name)
            and (e.area is None or _writable_name(e.area)) and ("{area}" not in request or e.area)
        ]
        if not able:
            continue
        if not every_device:
            able = [able[used.get(component, 0) % len(able)]]
            used[component] = used.get(component, 0) + 1
        for entity in able:
            options = enum_values(entity, _SHOT_SLOTS[intent]) if intent in _SHOT_SLOTS else ("",)
            option = next((o for o in reversed(options) if o not in ("off", "auto")), options[-1])
            fill = {"name": spoken(entity.name), "area": spoken(entity.area or ""), "option": option}
            shots.append((request.format(**fill), answer.format(**fill)))
    return list(dict.fromkeys(shots))


def closest_examples(
    text: str, pool: Sequence[tuple[str, str]], count: int
) -> list[tuple[str, str]]:
    """The `count` examples whose requests look most like `text`, the closest last."""
    if count <= 0 or not pool:
        return []
    scored = process.extract(text.lower(), [r for r, _ in pool], scorer=fuzz.token_set_ratio, limit=count)
    return [pool[index] for _, _, index in reversed(scored)]


def answer_line(intent: Intent) -> str | None:
    """An intent written as the model would answer it (e.g. to pass template matches as examples).

    None when no phrase fits (an intent the model is not offered, a target it cannot name).
    """
    if "name" in intent.slots:
        target = spoken(str(intent.slots["name"]))
    elif "area" in intent.slots and "domain" in intent.slots:
        domain = str(intent.slots["domain"])
        area = str(intent.slots["area"])
        target = f"{DOMAIN_WORDS.get(domain, domain)} in {HERE if area == HERE else 'the ' + spoken(area)}"
    else:
        target = ""
    component = intent.targets[0].component if intent.targets else intent.slots.get("domain")
    for phrase in PHRASES:
        if phrase.intent != intent.name or (phrase.components and component not in phrase.components):
            continue
        holes = dict(phrase.shapes)
        if "{target}" in phrase.words and not target:
            continue
        values = {}
        for slot in holes:
            if slot == "duration":
                units = ("hours", "minutes", "seconds")
                parts = [f"{intent.slots[u]} {u}" for u in units if intent.slots.get(u)]
                values[slot] = " ".join(parts)
            elif slot in intent.slots:
                value = intent.slots[slot]
                if slot.endswith("_step"):
                    if (value < 0) != (phrase.sign < 0):
                        break
                    value = abs(value)
                values[slot] = f"{value:g}" if isinstance(value, float) else str(value)
        if set(values) == set(holes) and all(values.values()):
            return phrase.words.format(target=f"the {target}", **values)
    return None


def resolve_targets(intent: str, target: Target | None, registry: Registry, area: str | None) -> list[Entity]:
    """The entities a target stands for that can carry out the intent; [] when none or ambiguous."""
    if target is None:
        return []
    if target.unique_ids:
        found = [e for uid in target.unique_ids if (e := registry.get(uid)) and can_do(intent, e)]
        if len(found) > 1 and area:
            here = [e for e in found if e.area and normalize_name(e.area) == normalize_name(area)]
            found = here or found
        return found if len(found) == 1 else []
    where = area if target.area == HERE else target.area
    if not where:
        return []
    return [e for e in registry.in_area(where) if e.component == target.domain and can_do(intent, e)]


def values_valid(intent: str, slots: dict[str, Any], targets: list[Entity]) -> bool:
    """Whether every value is in range for the intent and for each target."""
    for key, value in slots.items():
        shape = slot_shape(intent, key)
        if shape == "enum" and not all(value in enum_values(e, key) for e in targets):
            return False
        if shape == "degrees" and not all(_temperature_range(e)[0] <= value <= _temperature_range(e)[1]
                                          for e in targets):
            return False
        if shape == "kelvin" and not 1000 <= value <= 10000:
            return False
        if shape == "number" and not all(
            _number_range(e)[0] <= value <= _number_range(e)[1] for e in targets
        ):
            return False
        if shape in ("amount", "percent") and not -100 <= value <= 100:
            return False
    return True


# --- helpers ----------------------------------------------------------------------------------

# A model may pick a device the user never named ("I'm freezing" -> the thermostat), but not for
# what opens the house: unlocking, disarming, opening doors and gates need the device named.
_OPENING_CLASSES = frozenset({"door", "garage", "gate"})
_OPENING_INTENTS = frozenset({"HassTurnOn", "HassToggle", "HassSetPosition", "HassSetPositionRelative"})
_FILLER = frozenset({"the", "a", "an", "my", "of", "in", "on", "to"})


def _explicit_enough(intent: str, targets: list[Entity], text: str) -> bool:
    risky = [
        e for e in targets
        if (intent == "HassTurnOff" and e.component == "lock")
        or intent == "HassAlarmDisarm"
        or (intent in _OPENING_INTENTS and e.component == "cover" and e.device_class in _OPENING_CLASSES)
    ]
    said = set(normalize_name(text).split()) - _FILLER
    return all(said & _name_words(e) for e in risky)


# Words that refer to a kind of device, or to timers and the time, besides names and areas.
_KIND_WORDS: dict[str, frozenset[str]] = {
    "light": frozenset({"light", "lights", "lamp", "lamps", "bright", "brightness", "dark", "dim", "lighting"}),
    "cover": frozenset({"blind", "blinds", "curtain", "curtains", "shade", "shades", "shutter", "shutters",
                        "window", "windows", "daylight", "sun"}),
    "climate": frozenset({"heating", "heater", "thermostat", "temperature", "degrees", "warm", "warmer",
                          "cold", "colder", "hot", "cool", "cooler", "cooling", "freezing", "boiling", "chilly"}),
    "fan": frozenset({"fan", "fans", "breeze"}),
    "lock": frozenset({"lock", "locks", "locked", "unlock"}),
    "sensor": frozenset({"temperature", "degrees", "warm", "cold", "hot", "outside"}),
    "text": frozenset({"navigate", "navigation", "directions", "route"}),
}
_TIME_WORDS = frozenset({"timer", "timers", "time", "clock", "minute", "minutes", "hour", "hours", "second",
                         "seconds", "countdown", "remind", "date", "day", "today"})


def _refers_to(reading: Reading, targets: list[Entity], text: str) -> bool:
    """Whether the request mentions (even misheard) what the answer acts on."""
    said = [w for w in normalize_name(text).split() if w not in _FILLER]
    joined = "".join(said)
    words: set[str] = set()
    if not reading.spec.targets_devices:
        words |= _TIME_WORDS
    for entity in targets:
        words |= _name_words(entity) | _KIND_WORDS.get(entity.component, frozenset())
        if entity.area:
            words |= set(normalize_name(entity.area).split())
    for value in reading.slots.values():
        if isinstance(value, str):
            words |= set(normalize_name(value).split())
    words -= _FILLER
    return any((len(w) >= 5 and w in joined) or any(fuzz.ratio(w, s) >= 75 for s in said) for w in words)


def _name_words(entity: Entity) -> set[str]:
    return {w for name in entity.names for w in normalize_name(name).split()} - _FILLER


def _temperature_range(entity: Entity) -> tuple[float, float]:
    fahrenheit = str(entity.config.get("temperature_unit", "C")).upper().endswith("F")
    if entity.component == "water_heater":
        low, high = (110.0, 140.0) if fahrenheit else (30.0, 70.0)
    else:
        low, high = (45.0, 95.0) if fahrenheit else (7.0, 35.0)
    return float(entity.config.get("min_temp", low)), float(entity.config.get("max_temp", high))


def _number_range(entity: Entity) -> tuple[float, float]:
    return float(entity.config.get("min", 1)), float(entity.config.get("max", 100))


def _target_slots(target: Target, targets: list[Entity], area: str | None) -> dict[str, Any]:
    if target.unique_ids:
        named = next((n for n in targets[0].names if spoken(n) == target.text), targets[0].name)
        return {"name": named}
    return {"area": area if target.area == HERE else target.area, "domain": target.domain}


def _enum_hint(entity: Entity, intents: dict[str, Any]) -> str:
    """The choices of a select (or a fan's presets) in the device list, so the model sees them."""
    for slot, intent in (("option", "HassSelectOption"), ("preset_mode", "HassFanSetPreset")):
        if intent in intents and can_do(intent, entity):
            return f" ({', '.join(enum_values(entity, slot))})"
    return ""


def _writable_name(text: str) -> bool:
    return bool(text.strip()) and _one_line(text) == text


def _one_line(text: str) -> str:
    return " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", text).split())


def _common_prefix(llm: Any, tokens: list[int]) -> int:
    cached = llm.input_ids[: llm.n_tokens]
    n = min(len(cached), len(tokens))
    if n == 0:
        return 0
    differs = np.nonzero(cached[:n] != np.asarray(tokens[:n]))[0]
    return int(differs[0]) if len(differs) else n


def _signature(registry: Registry) -> str:
    """Changes whenever anything the prompt or grammar shows changes."""
    digest = hashlib.sha256()
    for entity in sorted(registry, key=lambda e: e.unique_id):
        enums = [entity.config.get(key) for key, _, _ in ENUM_SLOTS.values()]
        digest.update(repr((entity.unique_id, entity.component, entity.name, entity.aliases, entity.area,
                            entity.device_class, enums)).encode())
    digest.update(repr(sorted(registry.areas)).encode())
    return digest.hexdigest()
