"""Conversations, data-driven: tests/dialogues/*.yaml through the same Conversation the daemon uses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.brain import Brain

DIALOGUES = Path(__file__).parent / "dialogues"


def _cases() -> list[Any]:
    cases = []
    for path in sorted(DIALOGUES.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text()):
            cases.append(pytest.param(path.stem, case, id=f"{path.stem}: {case['name']}"))
    return cases


@pytest.mark.parametrize(("house", "case"), _cases())
def test_dialogue(fresh_brains: dict[str, Brain], house: str, case: dict[str, Any]) -> None:
    brain = fresh_brains[house]
    conversation = brain.conversation(case.get("area", "Driver" if house == "car" else "Kitchen"))
    for turn_spec in case["turns"]:
        turn = conversation.handle(turn_spec["say"])
        got = [a.as_json() for a in turn.actions]
        assert got == turn_spec["actions"], f"{turn_spec['say']!r}: {turn.as_json()}"
        if "reply_contains" in turn_spec:
            assert turn_spec["reply_contains"].lower() in turn.reply.lower(), turn.reply
