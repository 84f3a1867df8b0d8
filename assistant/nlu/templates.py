"""Understanding with Home Assistant's sentence templates (hassil + home-assistant-intents).

Home Assistant's English sentences are merged with ours (`intents/*.yaml`, same format) and matched
against slot lists built from the registry, the way Home Assistant's default conversation agent
does it (`conversation/default_agent.py`):

* `name` holds every entity name and alias, with `{"domain": ..., "device_class": ...}` as context
  so `requires_context: domain: light` works; `area` the areas and their aliases; `floor` the floors;
* the speaker's area is the intent context `area`, so "turn off the lights" said in the kitchen
  matches the sentences that need an area (`requires_context: area: slot: true`);
* the best result is picked like Home Assistant's strict stage (`recognize_best`): our sentences
  first (as Home Assistant does with custom sentences), then results naming an entity.

Conventions our sentence files may use (see `intents/common.yaml`): a slot whose name starts with
"_" is wording only and is left out of the intent's slots; the context key `has_area` is set when
the speaker's area is known, so a "whole home" sentence can step aside with
`excludes_context: {has_area: true}` for Home Assistant's "here" sentence.

When nothing matches, two more attempts follow, each stricter about what it accepts than it is
lenient about what it hears: the text with speech-recognition slips repaired (`asr_repair`), then
the text with misheard names, areas or floors replaced by the registry's closest ones (rapidfuzz,
spaces ignored, above a strict score and clearly ahead of the next candidate), accepted only if
the corrected sentence matches strictly with the corrected words in its name/area/floor slot. A
wrong action is worse than none, so an unclear or ambiguous name matches nothing.

Home Assistant runs hassil with `allow_unmatched_entities` only to word its "no device called ..."
error; we do not use it at all: over the full English sentence set it costs close to a second per
sentence on a small machine, and the word-window search above finds the same misheard names in a
few milliseconds.

Intents come back with Home Assistant's names and slots; some are outside our catalogue
(`HassGetWeather`, `HassShoppingListAddItem`, `HassVacuumCleanArea`, ...). They are returned as
recognised so the caller can say it cannot do that, rather than handing the sentence to a model
that might act on it: check `assistant.nlu.catalogue.spec(intent.name)`.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, RecognizeResult, Sentence, TextSlotList, Trie, recognize_ranked
from hassil.intents import Intent as HassilIntent
from hassil.intents import IntentData
from hassil.util import merge_dict, normalize_for_matching
from home_assistant_intents import get_intents
from rapidfuzz import fuzz, process

from assistant.nlu.asr_repair import repair
from assistant.nlu.catalogue import spec
from assistant.nlu.numbers import DIGIT_WORDS, is_number_word
from assistant.nlu.targets import INTENT_DOMAINS, entities_named, resolve_targets
from assistant.nlu.types import Intent
from assistant.registry import LEADING_COMMANDS, Entity, Registry, normalize_name

_LOGGER = logging.getLogger(__name__)

def _sentence_dir() -> Path:
    """Our own sentence files: `<repo>/intents/*.yaml` in a checkout or an editable install,
    `<prefix>/share/assistant/intents` (pyproject's data-files) in a regular install."""
    checkout = Path(__file__).resolve().parents[2] / "intents"
    installed = Path(sys.prefix) / "share" / "assistant" / "intents"
    return checkout if checkout.is_dir() or not installed.is_dir() else installed


DEFAULT_SENTENCE_DIR = _sentence_dir()

SENTENCE_FILE_KEY = "assistant_sentence_file"
"""Metadata key naming the file a custom sentence came from (shown in debug logs)."""

SELECT_OPTION_LIST = "asst_select_option"
"""Slot list of every option of every select entity (spoken form -> the option to send)."""
FAN_PRESET_LIST = "asst_fan_preset"
"""Slot list of every preset mode of every fan."""
LIGHT_EFFECT_LIST = "asst_light_effect"
"""Slot list of every effect of every light (rainbow, colour wipe, twinkle)."""
CLIMATE_PRESET_LIST = "asst_climate_preset"
"""Slot list of every preset mode of every climate (eco, boost, away)."""
HUMIDIFIER_MODE_LIST = "asst_humidifier_mode"
"""Slot list of every mode of every humidifier."""
VACUUM_FAN_SPEED_LIST = "asst_vacuum_fan_speed"
"""Slot list of every fan speed (suction power) of every vacuum."""
BUTTON_COMMAND_LIST = "asst_button_command"
"""Slot list of buttons named for what they do, said as a command ("restart the router")."""

_FUZZY_SLOTS = ("name", "area", "floor")
_WARM_UP_SENTENCES = ("set the temperature to twenty one degrees", "set it to forty two point five")
_WORD = re.compile(r"[\w'.%-]+")
_MAX_FUZZY_WORDS = 5
_MAX_FUZZY_ATTEMPTS = 3
_MIN_FUZZY_CHARS = 4
_EDGE_WORDS = frozenset(
    "the a an my our your to in on off of at and or by for from with please set turn switch make "
    "is are it this that up down no not don't never".split()
)
"""Words a misheard name never starts or ends with; runs starting or ending with them are skipped.
Negations among them keep "no coffee for me" from being heard as the name "coffee"."""


class SentenceFileError(ValueError):
    """A sentence file in `intents/` cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class TemplateSettings:
    """How the template matcher reads sentences and how sure the fuzzy pass must be."""

    language: str = "en"
    """Language of Home Assistant's sentences and of our sentence files to load."""
    sentence_dirs: tuple[Path, ...] = (DEFAULT_SENTENCE_DIR,)
    """Folders of our own hassil sentence files (`*.yaml`), merged over Home Assistant's."""
    fuzzy_min_score: float = 85.0
    """Lowest rapidfuzz ratio (0-100, spaces ignored) for a misheard name to count as a registry name."""
    fuzzy_min_margin: float = 6.0
    """How much better than the next different name the best fuzzy name must score."""


@dataclass
class _SlotLists:
    signature: int
    lists: dict[str, TextSlotList]
    names: Trie
    room_names: dict[str, Trie] = field(default_factory=dict)
    """Per area (normalized): the names its devices have only there ("the ceiling light")."""
    fuzzy_words: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """Per fuzzy slot: each list value, as its normalized words (for shortened words)."""
    vocabulary: frozenset[str] = frozenset()
    """Every word of every name, area and floor: words the fuzzy pass never takes as misheard."""
    fuzzy: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per fuzzy slot: normalized, space-free spoken form -> the list value to say instead."""
    owners: dict[str, frozenset[str]] = field(default_factory=dict)
    """Each name (a list value) -> the unique ids of the devices that have it."""


class TemplateMatcher:
    """Matches a sentence against Home Assistant's and our templates, with targets resolved."""

    def __init__(
        self,
        registry: Registry,
        language: str = "en",
        sentence_dirs: Sequence[Path] | None = None,
        *,
        fuzzy_min_score: float = TemplateSettings.fuzzy_min_score,
        fuzzy_min_margin: float = TemplateSettings.fuzzy_min_margin,
    ) -> None:
        self._registry = registry
        self._language = language
        self._fuzzy_min_score = fuzzy_min_score
        self._fuzzy_min_margin = fuzzy_min_margin
        dirs = list(sentence_dirs) if sentence_dirs is not None else [DEFAULT_SENTENCE_DIR]
        self._intents = Intents.from_dict(load_sentences(language, dirs))
        self._index = _index_templates(self._intents)
        self._slot_lists: _SlotLists | None = None
        self.refresh()
        # hassil builds its number-word tables on first use (half a second); do it now, not
        # on the user's first request.
        for warm_up in _WARM_UP_SENTENCES:
            self._recognize(warm_up, None)

    @classmethod
    def from_settings(cls, registry: Registry, settings: TemplateSettings) -> TemplateMatcher:
        return cls(
            registry,
            settings.language,
            settings.sentence_dirs,
            fuzzy_min_score=settings.fuzzy_min_score,
            fuzzy_min_margin=settings.fuzzy_min_margin,
        )

    @property
    def registry(self) -> Registry:
        return self._registry

    @property
    def intents(self) -> Intents:
        """The merged sentence templates (Home Assistant's and ours)."""
        return self._intents

    def refresh(self) -> None:
        """Rebuild the name/area/floor lists if the registry changed since the last call (cheap if not)."""
        signature = _registry_signature(self._registry)
        if self._slot_lists is not None and self._slot_lists.signature == signature:
            return
        self._slot_lists = _build_slot_lists(self._registry, signature)
        _LOGGER.debug(
            "Slot lists rebuilt: %s names, %s areas, %s floors",
            len(self._slot_lists.lists["name"].values),
            len(self._slot_lists.lists["area"].values),
            len(self._slot_lists.lists["floor"].values),
        )

    def match(self, text: str, area: str | None = None) -> Intent | None:
        """The intent of `text` said in `area` (the satellite's area, the speaker's zone), or None."""
        self.refresh()
        heard = " ".join(text.split())
        if not heard:
            return None
        area_name = (self._registry.find_area(area) or area.strip()) if area else None
        context = _intent_context(area_name)

        ranked = self._recognize_ranked(heard, context)
        result = ranked[0] if ranked else None
        if result is None:
            repaired = self._without_possessives(self._split_words_joined(repair(heard)))
            if repaired != heard:
                result = self._recognize(repaired, context)
            if result is None:
                result = self._recognize_placed_twice(repaired, context)
            if result is None:
                result = self._recognize_fuzzy(repaired, context)
        if result is None:
            _LOGGER.debug("No template matched %r", heard)
            return None
        intent = self._intent(result, heard, text, area_name)
        named = self._naming_readings(ranked, heard, text, area_name)
        if not intent.targets and not intent.ambiguous and "name" not in intent.slots and _targets_devices(intent.name):
            # "Turn on the rear climate" for the switch "Rear Climate", not the climate of the
            # Rear area, which has none.
            return next((other for other in named if other.targets), intent)
        area_words = str(result.entities["area"].text or "").lower() if "area" in result.entities else ""
        said_area = bool(area_words.strip()) and re.search(rf"\b{re.escape(area_words)}\b", heard.lower()) is not None
        if said_area and "name" not in result.entities and intent.targets:
            # "Turn bedroom lamp to 50%": the "Bedroom Lamp", as Home Assistant reads it, not the
            # bedroom's lights (the same one when it is the room's only light).
            return next((other for other in named if len(other.targets) == 1 and other.targets[0] in intent.targets),
                        intent)
        return intent

    def _naming_readings(
        self, ranked: list[RecognizeResult], heard: str, text: str, area_name: str | None
    ) -> Iterator[Intent]:
        """The readings after the best one that are of its intent and name a device, in rank order,
        built only as they are asked for (never another intent: "unlock the door" is not a switch
        named "... unlock the door")."""
        for other in ranked[1:]:
            if other.intent.name == ranked[0].intent.name and "name" in other.entities \
                    and not _one_as_a_noun(heard.lower(), other):
                yield self._intent(other, heard, text, area_name)

    def _intent(self, result: RecognizeResult, heard: str, text: str, area_name: str | None) -> Intent:
        slots = {
            entity.name: _slot_value(entity.value) for entity in result.entities_list if not entity.name.startswith("_")
        }
        intent_name = result.intent.name
        targets = []
        if _targets_devices(intent_name):
            said = f" {normalize_name(heard)} "
            area_said = any(
                e.name == "area" and e.text and f" {normalize_name(e.text)} " in said for e in result.entities_list
            )
            targets = resolve_targets(
                self._registry, slots, area_name, intent=intent_name, area_said=area_said, said=said
            )
            if "name" not in slots:
                targets = _one_of_kind(targets, said)
            if area_name and " my " in said and not area_said:
                targets = _mine(self._registry, targets, area_name)
            ambiguous = _several_of_one_kind(targets, said) if "name" not in slots else []
            if ambiguous:
                targets = []
        else:
            ambiguous = []
        _LOGGER.debug("%r -> %s %s -> %s", heard, intent_name, slots, [e.entity_id for e in targets])
        return Intent(name=intent_name, slots=slots, targets=targets, source="template", text=text, ambiguous=ambiguous)

    def _split_words_joined(self, text: str) -> str:
        """"Switch the in verter on": a house word the recogniser heard as two ("in verter",
        "de humidifier", "flood lights"), joined again when one of the two is no house word itself."""
        assert self._slot_lists is not None
        vocabulary = self._slot_lists.vocabulary
        words = text.split()
        joined: list[str] = []
        for word in words:
            if joined:
                together = (joined[-1] + word).lower()
                known = together in vocabulary or (together.endswith("s") and together[:-1] in vocabulary)
                if len(together) >= 6 and known and not (
                    joined[-1].lower() in vocabulary and word.lower() in vocabulary
                ):
                    joined[-1] += word
                    continue
            joined.append(word)
        return " ".join(joined)

    def _without_possessives(self, text: str) -> str:
        """ "The driver's reading light" is the "Driver Reading Light", "the baby's night light"
        the "Baby's Room" one: a house word's possessive is the word."""
        assert self._slot_lists is not None
        vocabulary = self._slot_lists.vocabulary

        def plain(match: re.Match[str]) -> str:
            return match.group(1) if match.group(1).lower() in vocabulary else match.group(0)

        return _POSSESSIVE.sub(plain, text)

    def _recognize_placed_twice(self, text: str, context: dict[str, Any] | None) -> RecognizeResult | None:
        """"Set the bedside lamp in the bedroom to 25 percent", "the bedroom bedside lamp": the
        room said beside a name that is only found there already. Without the room the sentence
        must match with a name all of whose devices are in that room."""
        lowered = text.lower()
        for area in sorted(self._registry.areas, key=len, reverse=True):
            spoken = re.escape(area.lower())
            for place in (rf"\s+(?:in|on|at) (?:the |my |our )?{spoken}\b", rf"\b(the|my|our) {spoken}\s+"):
                found = re.search(place, lowered)
                if found is None:
                    continue
                kept = found.group(1) + " " if found.groups() else " "
                result = self._recognize(text[: found.start()] + kept + text[found.end():], context)
                name = result.entities.get("name") if result is not None else None
                if name is None:
                    continue
                named = entities_named(self._registry, str(name.value), None)
                if named and all(e.area == area for e in named):
                    return result
        return None

    def _recognize(self, text: str, context: dict[str, Any] | None) -> RecognizeResult | None:
        ranked = self._recognize_ranked(text, context)
        return ranked[0] if ranked else None

    def _recognize_ranked(self, text: str, context: dict[str, Any] | None) -> list[RecognizeResult]:
        """Every reading of `text`, best first, as Home Assistant's strict stage ranks them: our
        sentences first, then those naming a device."""
        assert self._slot_lists is not None
        lists = dict(self._slot_lists.lists)
        lowered = text.lower()
        found = [value for _, _, value in self._slot_lists.names.find(lowered)]
        area = normalize_name(str(context["area"]["value"])) if context else None
        if area in self._slot_lists.room_names:
            found += [value for _, _, value in self._slot_lists.room_names[area].find(lowered)]
        lists["name"] = TextSlotList(name="name", values=found)
        ranked = recognize_ranked(
            text,
            self._candidate_intents(text, has_area=context is not None),
            slot_lists=lists,
            intent_context=context,
            language=self._language,
            best_metadata_key=SENTENCE_FILE_KEY,
            best_slot_name="name",
        )
        if ranked and _one_as_a_noun(lowered, ranked[0]):
            return []
        return ranked

    def _candidate_intents(self, text: str, has_area: bool) -> Intents:
        """Only the sentence templates that can possibly match `text` from where it was said.

        hassil checks the same literal fragments per template, but only after building match
        settings for every block of sentences; doing it first here, and dropping blocks whose
        area requirement cannot be met, makes a match several times faster.
        """
        haystack = normalize_for_matching(text).text.casefold()
        present = {fragment for fragment in self._index.fragments if fragment in haystack}
        satisfied = frozenset(
            number for number, clause in enumerate(self._index.clauses) if not clause.isdisjoint(present)
        )
        kept: dict[str, list[IntentData]] = {}
        for block in self._index.blocks:
            if block.needs_area and not has_area:
                continue
            if has_area and block.whole_home_only:
                continue
            sentences = [sentence for sentence, clauses in block.sentences if clauses <= satisfied]
            if not sentences:
                continue
            data = block.data if len(sentences) == len(block.sentences) else _with_sentences(block.data, sentences)
            kept.setdefault(block.intent, []).append(data)
        return replace(self._intents, intents={name: HassilIntent(name=name, data=data) for name, data in kept.items()})

    def _recognize_fuzzy(self, text: str, context: dict[str, Any] | None) -> RecognizeResult | None:
        """Match with misheard names, areas or floors replaced by the registry's closest ones.

        Every run of up to `_MAX_FUZZY_WORDS` words is compared with the registry's names, areas
        and floors (spaces ignored, so "bed side" is "bedside"); the surest non-overlapping
        replacements are tried together, then one at a time. A correction only counts if the
        sentence then matches strictly and the corrected words fill the name, area or floor slot.
        """
        candidates = self._fuzzy_candidates(text)
        if not candidates:
            return None
        chosen: list[_Correction] = []
        for candidate in candidates:
            if all(candidate.end <= c.start or candidate.start >= c.end for c in chosen):
                chosen.append(candidate)
        attempts = [chosen] + [[c] for c in chosen] if len(chosen) > 1 else [chosen]
        for corrections in attempts[:_MAX_FUZZY_ATTEMPTS]:
            corrected = _apply(text, corrections)
            result = self._recognize(corrected, context)
            if result is None:
                continue
            if result.intent.name == "HassTurnOn" and normalize_name(corrected) in {
                normalize_name(c.replacement) for c in corrections
            }:
                # A name alone turns the device on; "night night" is no misheard "Night Light".
                continue
            used = {normalize_name(str(e.value)) for e in result.entities_list if e.name in _FUZZY_SLOTS}
            if all(normalize_name(c.replacement) in used for c in corrections):
                _LOGGER.debug("Fuzzy match: %r heard as %r", text, corrected)
                return result
        return None

    def _fuzzy_candidates(self, text: str) -> list[_Correction]:
        """Runs of words that are surely a registry name/area/floor said differently, best first."""
        assert self._slot_lists is not None
        words = list(_WORD.finditer(text))
        found: list[_Correction] = []
        for first in range(len(words)):
            if words[first].group().lower() in _EDGE_WORDS:
                continue
            for last in range(first, min(first + _MAX_FUZZY_WORDS, len(words))):
                if words[last].group().lower() in _EDGE_WORDS:
                    continue
                start, end = words[first].start(), words[last].end()
                spoken = text[start:end]
                for slot in _FUZZY_SLOTS:
                    replacement = self._closest(slot, spoken)
                    if replacement is not None and normalize_name(replacement) != normalize_name(spoken):
                        kept = _squash(replacement)
                        said = normalize_name(spoken).split()
                        if any(w in self._slot_lists.vocabulary and w not in kept for w in said):
                            # "The rear seat heating" is not a misheard "driver seat heating": a
                            # word the house uses elsewhere was said, not misheard ("sun roof" is
                            # still "sunroof").
                            continue
                        if any(is_number_word(w) and w not in normalize_name(replacement).split() for w in said):
                            # "the dome light at 50%" is not a misheard "Dome Light": a number
                            # said is a value, unless the name has it ("zone 2").
                            continue
                        score = fuzz.ratio(_squash(spoken), _squash(replacement))
                        found.append(_Correction(start, end, replacement, score))
        found.sort(key=lambda c: (-c.score, -(c.end - c.start)))
        return found

    def _closest(self, slot: str, spoken: str) -> str | None:
        """The registry name/area/floor that `spoken` was surely meant to be, or None."""
        assert self._slot_lists is not None
        choices = self._slot_lists.fuzzy.get(slot)
        key = _squash(spoken)
        if len(key) < _MIN_FUZZY_CHARS or not choices:
            return None
        said = normalize_name(spoken).split()
        shortened = {name for name, words in self._slot_lists.fuzzy_words[slot].items() if _shortened(said, words)}
        if len(shortened) == 1:
            # "The regen braking" for "Regenerative Braking".
            return shortened.pop()
        ranked = process.extract(
            key,
            choices.keys(),
            scorer=fuzz.ratio,
            limit=None,
            score_cutoff=self._fuzzy_min_score - self._fuzzy_min_margin,
        )
        if not ranked or ranked[0][1] < self._fuzzy_min_score:
            return None
        best_key, best_score, _ = ranked[0]

        def owner(key: str) -> frozenset[str]:
            return self._slot_lists.owners.get(choices[key], frozenset({choices[key]})) if slot == "name" else (
                frozenset({choices[key]}))

        for other_key, other_score, _ in ranked[1:]:
            if owner(other_key) == owner(best_key):
                # Another name of the same device ("charge", "ev charger") is no rival.
                continue
            if best_score - other_score < self._fuzzy_min_margin:
                _LOGGER.debug("Fuzzy %s %r is ambiguous: %r or %r", slot, spoken, best_key, other_key)
                return None
            break
        # Of that device's names, one that keeps the house's words that were said: "the charger"
        # is the "EV Charger", not its select's other name "Charge".
        house_words = [w for w in said if w in self._slot_lists.vocabulary]
        same = [key for key, _, _ in ranked if owner(key) == owner(best_key)]
        keeping = [key for key in same if all(w in normalize_name(choices[key]).split() for w in house_words)]
        return choices[keeping[0] if keeping else best_key]


@dataclass(frozen=True)
class _Block:
    """One block of sentence templates, each with the literal text it cannot match without."""

    intent: str
    data: IntentData
    sentences: tuple[tuple[Sentence, frozenset[int]], ...]
    """Each template with its required clauses (numbers into `_TemplateIndex.clauses`)."""
    needs_area: bool
    """The block only matches with the speaker's area known (`requires_context: area`)."""
    whole_home_only: bool
    """The block steps aside when the speaker's area is known (`excludes_context: has_area`)."""


@dataclass(frozen=True)
class _TemplateIndex:
    """hassil's required-text clauses of every template, deduplicated for a fast prefilter.

    A template can only match text that holds at least one fragment of each of its clauses
    (`Sentence.get_required_clauses`, what hassil checks itself).
    """

    blocks: tuple[_Block, ...]
    clauses: tuple[frozenset[str], ...]
    fragments: frozenset[str]


def _index_templates(intents: Intents) -> _TemplateIndex:
    numbers: dict[frozenset[str], int] = {}
    blocks: list[_Block] = []
    for intent in intents.intents.values():
        for data in intent.data:
            rules = {**intents.expansion_rules, **data.expansion_rules}
            sentences = tuple(
                (
                    sentence,
                    frozenset(
                        numbers.setdefault(clause, len(numbers)) for clause in sentence.get_required_clauses(rules)
                    ),
                )
                for sentence in data.sentences
            )
            blocks.append(
                _Block(
                    intent=intent.name,
                    data=data,
                    sentences=sentences,
                    needs_area="area" in data.requires_context,
                    whole_home_only=bool(data.excludes_context.get("has_area")),
                )
            )
    clauses = tuple(sorted(numbers, key=numbers.__getitem__))
    return _TemplateIndex(
        blocks=tuple(blocks),
        clauses=clauses,
        fragments=frozenset(fragment for clause in clauses for fragment in clause),
    )


def _with_sentences(data: IntentData, sentences: list[Sentence]) -> IntentData:
    """A copy of the block holding only these (already parsed) templates.

    `IntentData.sentences` is a cached property parsed from `sentence_texts`; the copy gets the
    parsed templates directly so nothing is parsed again.
    """
    copy = replace(data)
    copy.__dict__["sentences"] = sentences
    return copy


@dataclass(frozen=True)
class _Correction:
    start: int
    end: int
    replacement: str
    score: float


def _apply(text: str, corrections: Iterable[_Correction]) -> str:
    for correction in sorted(corrections, key=lambda c: c.start, reverse=True):
        text = text[: correction.start] + correction.replacement + text[correction.end :]
    return text


def load_sentences(language: str, sentence_dirs: Iterable[Path]) -> dict[str, Any]:
    """Home Assistant's sentences for `language` merged with our sentence files of that language."""
    sentences = get_intents(language)
    if not sentences:
        raise SentenceFileError(
            f"Home Assistant's intents package has no sentences for language {language!r}; "
            "set the assistant's language to one it supports (e.g. 'en')."
        )
    for directory in sentence_dirs:
        if not directory.is_dir():
            raise SentenceFileError(
                f"Sentence folder {directory} does not exist; create it or remove it from the settings."
            )
        for path in sorted(directory.glob("*.yaml")):
            custom = _read_sentence_file(path)
            if custom.get("language") != language:
                continue
            for intent in custom.get("intents", {}).values():
                for data in intent.get("data", []):
                    data.setdefault("metadata", {})[SENTENCE_FILE_KEY] = path.name
            merge_dict(sentences, custom)
    return sentences


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML where a key said twice in one mapping is an error: plain YAML keeps the last one, so a
    second `HassTurnOn:` in a sentence file would silently drop every sentence of the first."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key {key!r} appears twice (line {key_node.start_mark.line + 1})",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def _read_sentence_file(path: Path) -> dict[str, Any]:
    try:
        content = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as err:
        raise SentenceFileError(f"{path} is not valid YAML: {err}") from err
    if not isinstance(content, dict) or "language" not in content or "intents" not in content:
        raise SentenceFileError(
            f"{path} must be a hassil sentence file: a mapping with 'language' and 'intents' "
            "(see Home Assistant's custom sentences format)."
        )
    try:
        parsed = Intents.from_dict(content)
        for intent in parsed.intents.values():
            for data in intent.data:
                _ = data.sentences  # parsed lazily by hassil; parse now to report errors here
    except Exception as err:
        raise SentenceFileError(f"{path} has a template hassil cannot parse: {err}") from err
    return content


def _intent_context(area: str | None) -> dict[str, Any] | None:
    """Home Assistant's intent context for a request from `area`.

    `has_area` lets our sentences that mean "the whole home" step aside (`excludes_context`)
    when the speaker's area is known and Home Assistant's "here" sentence applies instead.
    """
    if not area:
        return None
    return {"area": {"value": area, "text": area}, "has_area": True}


def _registry_signature(registry: Registry) -> int:
    return hash(
        (
            tuple(
                (
                    e.unique_id,
                    e.component,
                    e.name,
                    tuple(e.aliases),
                    e.area,
                    e.device_class,
                    tuple(str(o) for o in e.config.get("options") or ()),
                    tuple(str(p) for p in e.config.get("preset_modes") or ()),
                )
                for e in registry
            ),
            tuple((area, tuple(aliases)) for area, aliases in registry.areas.items()),
            tuple((floor, tuple(areas)) for floor, areas in registry.all_floors().items()),
        )
    )


def _group_context(members: list[Entity]) -> dict[str, Any]:
    context: dict[str, Any] = {"domain": members[0].component}
    classes = {e.device_class for e in members}
    if len(classes) == 1 and None not in classes:
        context["device_class"] = classes.pop()
    return context


def _name_context(entity: Entity) -> dict[str, Any]:
    context: dict[str, Any] = {"domain": entity.component}
    if entity.device_class:
        context["device_class"] = entity.device_class
    return context


def _build_slot_lists(registry: Registry, signature: int) -> _SlotLists:
    name_tuples: list[tuple[str, str, dict[str, Any]]] = []
    room_tuples: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    button_commands: list[tuple[str, str, dict[str, Any]]] = []
    options: dict[str, str] = {}
    plurals: dict[str, str] = {}
    presets: dict[str, str] = {}
    climate_presets: dict[str, str] = {}
    light_effects: dict[str, str] = {}
    humidifier_modes: dict[str, str] = {}
    fan_speeds: dict[str, str] = {}
    owners: dict[str, set[str]] = {}
    for entity in registry:
        context = _name_context(entity)
        for name in (*entity.names, *registry.other_names(entity)):
            name = name.strip()
            if name:
                name_tuples.append((name, name, context))
                owners.setdefault(name, set()).add(entity.unique_id)

        if entity.component == "button":
            button_commands += [(n, n, context) for n in registry.other_names(entity) if " the " in n]
            # "Find my car", "call for assistance": a button named as the command it carries out.
            button_commands += [(n, n, context) for n in map(normalize_name, entity.names)
                                if re.match(r"\w+ (?:my|for|a|an) ", n) and n.split()[0] in LEADING_COMMANDS]
        if entity.component == "select":
            for option in entity.config.get("options") or ():
                options.setdefault(normalize_name(str(option)), str(option))
                if re.fullmatch(r"[a-z]+[^s]", normalize_name(str(option))):
                    plurals.setdefault(normalize_name(str(option)) + "s", str(option))
                volts = re.fullmatch(r"(\d+) ?v", normalize_name(str(option)))
                if volts is not None:
                    # A fridge's "12V" said "twelve volt".
                    for number in (volts.group(1), DIGIT_WORDS.get(volts.group(1))):
                        for unit in ("volt", "volts") if number else ():
                            options.setdefault(f"{number} {unit}", str(option))
                spoken_number = DIGIT_WORDS.get(normalize_name(str(option)))
                if spoken_number is not None:
                    # Seat heating levels "1", "2", "3" said as "one", "level two".
                    options.setdefault(spoken_number, str(option))
                    options.setdefault(f"level {spoken_number}", str(option))
        if entity.component == "fan":
            for preset in entity.config.get("preset_modes") or ():
                presets.setdefault(normalize_name(str(preset)), str(preset))
        if entity.component == "light":
            for effect in entity.config.get("effect_list") or ():
                spoken = normalize_name(str(effect))
                light_effects.setdefault(spoken, str(effect))
                light_effects.setdefault(re.sub(r"\bcolor\b", "colour", spoken), str(effect))
        if entity.component == "climate":
            for preset in entity.config.get("preset_modes") or ():
                climate_presets.setdefault(normalize_name(str(preset)), str(preset))
        if entity.component == "humidifier":
            for mode in entity.config.get("modes") or ():
                humidifier_modes.setdefault(normalize_name(str(mode)), str(mode))
        if entity.component == "vacuum":
            for speed in entity.config.get("fan_speed_list") or ():
                fan_speeds.setdefault(normalize_name(str(speed)), str(speed))
    for plural, option in plurals.items():
        # "Set the drive mode to sports": Sport, unless some select has a "Sports".
        options.setdefault(plural, option)
    for area in registry.areas:
        room_tuples[normalize_name(area)] = [
            (name, name, _name_context(entity)) for name, entity in registry.room_names(area).items()
        ]
    name_tuples += [(name, name, _name_context(entity)) for name, entity in registry.house_room_names().items()]
    groups = [(group, group, _group_context(members)) for group, members in registry.group_names().items()]
    area_names = [
        spoken.strip() for area, aliases in registry.areas.items() for spoken in (area, *aliases) if spoken.strip()
    ]
    area_names += list(registry.short_area_names())
    floor_names = [floor.strip() for floor in registry.all_floors() if floor.strip()]

    name_list = TextSlotList.from_tuples([*name_tuples, *groups], allow_template=False, name="name")
    names = Trie()
    for value, (name, _, _) in zip(name_list.values, [*name_tuples, *groups], strict=True):
        names.insert(name.lower(), value)
    lists = {
        "name": name_list,
        "area": TextSlotList.from_tuples(((a, a) for a in area_names), allow_template=False, name="area"),
        "floor": TextSlotList.from_tuples(((f, f) for f in floor_names), allow_template=False, name="floor"),
        SELECT_OPTION_LIST: TextSlotList.from_tuples(options.items(), allow_template=False, name=SELECT_OPTION_LIST),
        FAN_PRESET_LIST: TextSlotList.from_tuples(presets.items(), allow_template=False, name=FAN_PRESET_LIST),
        LIGHT_EFFECT_LIST: TextSlotList.from_tuples(
            light_effects.items(), allow_template=False, name=LIGHT_EFFECT_LIST
        ),
        CLIMATE_PRESET_LIST: TextSlotList.from_tuples(
            climate_presets.items(), allow_template=False, name=CLIMATE_PRESET_LIST
        ),
        HUMIDIFIER_MODE_LIST: TextSlotList.from_tuples(
            humidifier_modes.items(), allow_template=False, name=HUMIDIFIER_MODE_LIST
        ),
        BUTTON_COMMAND_LIST: TextSlotList.from_tuples(button_commands, allow_template=False, name=BUTTON_COMMAND_LIST),
        VACUUM_FAN_SPEED_LIST: TextSlotList.from_tuples(
            fan_speeds.items(), allow_template=False, name=VACUUM_FAN_SPEED_LIST
        ),
    }
    fuzzy = {
        "name": {_squash(name): name for name, _, _ in name_tuples},
        "area": {_squash(area): area for area in area_names},
        "floor": {_squash(floor): floor for floor in floor_names},
    }
    for tuples in room_tuples.values():
        # "Turn on the reeding light" in a seat whose own one is "the reading light".
        for name, _, _ in tuples:
            fuzzy["name"].setdefault(_squash(name), name)
    room_names: dict[str, Trie] = {}
    for area, tuples in room_tuples.items():
        room_names[area] = Trie()
        values = TextSlotList.from_tuples(tuples, allow_template=False).values
        for value, (name, _, _) in zip(values, tuples, strict=True):
            room_names[area].insert(name.lower(), value)
    spellings = (*(name for name, _, _ in name_tuples), *area_names, *floor_names)
    vocabulary = frozenset(word for spoken in spellings for word in normalize_name(spoken).split())
    fuzzy_words = {slot: {n: normalize_name(n).split() for n in set(by.values())} for slot, by in fuzzy.items()}
    return _SlotLists(
        signature=signature,
        lists=lists,
        names=names,
        room_names=room_names,
        vocabulary=vocabulary,
        fuzzy=fuzzy,
        fuzzy_words=fuzzy_words,
        owners={name: frozenset(ids) for name, ids in owners.items()},
    )


def _one_of_kind(targets: list[Entity], said: str) -> list[Entity]:
    """"Dim the dining light" in a dining room with a "Dining Table Light" and "Display Cabinet
    Lights": the one light whose name ends in the singular that was said. Home Assistant reads
    the area and the kind (every light there); a name said in the singular means one device,
    and "lamp" means the lights called lamps."""
    if re.search(r"\blamps?\b", said) and targets and all(e.component == "light" for e in targets):
        # A lamp is not any light: "turn on the lamp" in a hall with only a ceiling light is
        # nothing Home Assistant's "lamp means light" should guess at.
        targets = [e for e in targets if re.search(r"\blamps?\b", normalize_name(" ".join(e.names)))]
    if len(targets) < 2:
        return targets
    for kind in _SINGULAR_KINDS:
        if re.search(rf"\b(?:the|my|this|that) (?:\w+ ){{0,3}}{kind}\b(?!s)", said):
            ending = [e for e in targets if normalize_name(e.name).endswith(f" {kind}")]
            if len(ending) == 1:
                return ending
            # "The kitchen light" beside the "Cabinet Lights": the one that is not several.
            single = [e for e in targets if not normalize_name(e.name).endswith("s")]
            if kind == "light" and len(single) == 1:
                return single
    return targets


_SINGULAR_KINDS = ("light", "lamp", "fan", "heater", "radiator", "blind", "curtain")


def _several_of_one_kind(targets: list[Entity], said: str) -> list[Entity]:
    """ "Turn on the lamp" in a room with a floor lamp and a reading lamp: they are the devices it
    could mean, and none should be guessed. "The light" stays Home Assistant's every light of the
    room."""
    if len(targets) < 2 or re.search(r"\b(?:all|both|every|each)\b", said):
        return []
    for kind in _SINGULAR_KINDS[1:]:
        if re.search(rf"\b(?:the|my|this|that) {kind}\b(?!s)", said):
            ending = [e for e in targets if normalize_name(e.name).endswith(f" {kind}")]
            if len(ending) > 1:
                return ending
    return []


def _mine(registry: Registry, targets: list[Entity], area: str) -> list[Entity]:
    """ "My seat heater" from the second row is not the third row's: what is "mine" is where I am,
    when I have one of the same sort here (a seat's heating). "My media volume" is the cabin's,
    as no seat has one."""
    key = normalize_name(area)
    if any(normalize_name(e.area or "") == key for e in targets):
        return targets
    mine = {w for e in registry.in_area(area) for n in e.names for w in normalize_name(n).split() if len(w) > 3}
    theirs = {w for e in targets for n in e.names for w in normalize_name(n).split() if len(w) > 3}
    return [] if mine & theirs else targets


def _shortened(said: list[str], full: list[str]) -> bool:
    """Whether the words said are a name's words with some cut short ("regen braking")."""
    if len(said) != len(full) or said == full:
        return False
    return all(s == f or (len(s) >= 5 and f.startswith(s)) for s, f in zip(said, full, strict=True))


_POSSESSIVE = re.compile(r"\b(\w+)['’]s\b")

_ONE_AS_A_NUMBER = re.compile(r"\b(?:to|at|by|level|number|speed|setting|gear|position|on|up|down) one\b")


def _one_as_a_noun(text: str, result: RecognizeResult) -> bool:
    """ "The rear one" names a device, it is no brightness of 1 (Home Assistant's "the kitchen
    50" sentence would read it so); "set it to one" is a number."""
    spoken_one = any(
        isinstance(e.value, int | float) and e.text.strip().lower() == "one" for e in result.entities_list
    )
    return spoken_one and not _ONE_AS_A_NUMBER.search(text)


def _squash(text: str) -> str:
    """Normalized and without spaces: "Bed side lamp" and "bedside lamp" compare equal."""
    return normalize_name(text).replace(" ", "")


def _slot_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        return value.strip()
    return value


def _targets_devices(intent_name: str) -> bool:
    intent_spec = spec(intent_name)
    if intent_spec is not None:
        return intent_spec.targets_devices
    return intent_name in INTENT_DOMAINS or intent_name == "HassGetState"
