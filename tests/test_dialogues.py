"""Conversations, data-driven: tests/dialogues/*.yaml through the same Conversation the daemon uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.brain import Brain
from assistant.config import load_config
from assistant.demo import demo_retained

DIALOGUES = Path(__file__).parent / "dialogues"
CAR_CONFIG = Path(__file__).parent.parent / "examples" / "car.yaml"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(DIALOGUES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            cases.append(pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}"))
    return cases


@pytest.fixture(scope="module")
def brains() -> dict[str, Brain]:
    home = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        home.handle_message(topic, payload.encode(), retained=True)
    car = Brain.from_config(load_config(CAR_CONFIG), use_model=False, persist_timers=False)
    return {"home": home, "car": car}


@pytest.fixture(scope="module")
def loaded_states(brains: dict[str, Brain]) -> dict[str, Any]:
    return {house: brain.device_states() for house, brain in brains.items()}


@pytest.mark.parametrize(("house", "case"), _cases())
def test_dialogue(brains: dict[str, Brain], loaded_states: dict[str, Any], house: str, case: dict[str, Any]) -> None:
    brain = brains[house]
    brain.restore_device_states(loaded_states[house])  # each dialogue starts from the same house
    conversation = brain.conversation(case.get("area", "Driver" if house == "car" else "Kitchen"))
    for turn_spec in case["turns"]:
        turn = conversation.handle(turn_spec["say"])
        got = [a.as_json() for a in turn.actions]
        assert got == turn_spec["actions"], f"{turn_spec['say']!r}: {turn.as_json()}"
        if "reply_contains" in turn_spec:
            assert turn_spec["reply_contains"].lower() in turn.reply.lower(), turn.reply
