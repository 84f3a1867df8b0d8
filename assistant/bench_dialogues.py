"""`assistant bench dialogues`: whole conversations scored on the MQTT messages, as the held-out set is.

Each set is a folder in bench/dialogues with `dialogues.yaml` (turns: what is said, in which
area, and the exact messages expected) and the house: `house.jsonl` (retained discovery configs
and states, as `assistant parse --retained` takes them) on the default config, or a `set.yaml`
naming a `config` and a `retained` file in the repository (the car profile and its states).

A turn is right when exactly the expected messages are published; a false action is a turn that
published something it should not have (a message not expected, or any message where none was).
JSON payloads compare as JSON, so key order and spacing do not count, and messages on different
topics may come in any order.
"""

from __future__ import annotations

import dataclasses
import json
import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.brain import Brain
from assistant.config import Config, load_config
from assistant.conversation import Turn

REPO = Path(__file__).resolve().parent.parent
DIALOGUE_SETS = REPO / "bench" / "dialogues"


def _payload_key(payload: str) -> str:
    try:
        value = json.loads(payload)
    except ValueError:
        return payload
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return payload


def _messages(actions: list[dict[str, str]]) -> list[tuple[str, str]]:
    return [(a["topic"], _payload_key(str(a["payload"]))) for a in actions]


def _per_device(messages: list[tuple[str, str]]) -> dict[str, list[str]]:
    """The payloads sent to each topic, in order. Devices are driven at once, so the order between
    two devices says nothing ("turn off the kitchen lights" may send either light's first); only
    the order of the messages on one topic is kept."""
    per_topic: dict[str, list[str]] = {}
    for topic, payload in messages:
        per_topic.setdefault(topic, []).append(payload)
    return per_topic


@dataclass
class SetScore:
    """The outcome of one dialogue set."""

    name: str
    turns: int = 0
    right: int = 0
    false_actions: int = 0
    action_turns: int = 0
    action_turns_right: int = 0
    times: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, dialogue: str, said: str, expected: list[dict[str, str]], turn: Turn, seconds: float) -> None:
        got = _messages([a.as_json() for a in turn.actions])
        wanted = _messages(expected)
        self.turns += 1
        self.times.append(seconds)
        self.action_turns += bool(wanted)
        if _per_device(got) == _per_device(wanted):
            self.right += 1
            self.action_turns_right += bool(wanted)
            return
        false = any(message not in wanted for message in got)
        self.false_actions += false
        self.failures.append(
            f"{'FALSE ACTION ' if false else ''}{dialogue}: {said!r} expected {wanted} got {got} ({turn.reply!r})"
        )

    def figures(self) -> dict[str, Any]:
        return {
            "turns": self.turns,
            "right": round(100.0 * self.right / self.turns, 1) if self.turns else None,
            "false_actions": self.false_actions,
            "turns_asking_for_action_right": f"{self.action_turns_right}/{self.action_turns}",
            "median_ms": round(1000 * statistics.median(self.times), 2) if self.times else None,
            "failures": self.failures,
        }


class _WordsLoader(yaml.SafeLoader):
    """YAML as people write dialogues: `say: yes` and `payload: ON` are the words, not booleans
    (YAML 1.1 reads yes/no/on/off as true/false); only true and false are booleans."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordsLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def set_settings(folder: Path) -> dict[str, Any]:
    """A set's `set.yaml`: `config` and `retained` (the car profile), `min_right` (the share of
    turns tests/test_bench_dialogues.py requires, 95 unless said: a set kept untuned says less)."""
    path = folder / "set.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {} if path.exists() else {}


def score_set(folder: Path, config: Config, use_model: bool) -> SetScore:
    """Every dialogue of one set, each a conversation of its own from the house as loaded."""
    retained = folder / "house.jsonl"
    named = set_settings(folder)
    if "config" in named:
        config = dataclasses.replace(load_config(REPO / named["config"]), llm=config.llm)
        retained = REPO / named["retained"]
    brain = Brain.from_config(config, use_model=use_model, persist_timers=False)
    brain.load_retained(retained)
    brain.prepare_model()
    loaded = brain.device_states()
    score = SetScore(folder.name)
    for dialogue in yaml.load((folder / "dialogues.yaml").read_text(encoding="utf-8"), Loader=_WordsLoader):
        brain.restore_device_states(loaded)
        conversation = brain.conversation(dialogue.get("area"))
        for spec in dialogue["turns"]:
            started = time.perf_counter()
            turn = conversation.handle(spec["say"])
            score.add(dialogue["name"], spec["say"], spec["actions"], turn, time.perf_counter() - started)
    return score


def bench_dialogues(config: Config, use_model: bool) -> int:
    sets = sorted(path for path in DIALOGUE_SETS.iterdir() if (path / "dialogues.yaml").exists())
    figures = {folder.name: score_set(folder, config, use_model).figures() for folder in sets}
    print(json.dumps(figures, indent=2))
    return 0
