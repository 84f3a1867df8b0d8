"""The paraphrase stage (assistant/nlu/paraphrase.py), data-driven: tests/paraphrase/cases.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.brain import Brain
from assistant.config import load_config
from assistant.demo import demo_retained
from assistant.nlu.paraphrase import paraphrase

CASES = yaml.safe_load((Path(__file__).parent / "paraphrase" / "cases.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def home() -> Brain:
    brain = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        brain.handle_message(topic, payload.encode(), retained=True)
    return brain


@pytest.mark.parametrize("case", CASES, ids=[case["say"] for case in CASES])
def test_everyday_phrasing(home: Brain, case: dict[str, Any]) -> None:
    assert paraphrase(case["say"], home.registry) == case["plain"]
    turn = home.conversation(case["area"]).handle(case["say"])
    assert [a.as_json() for a in turn.actions] == case["actions"], turn.as_json()
    if case["actions"]:
        assert turn.intent is not None
        assert turn.intent.source == "paraphrase"
        assert turn.intent.text == case["say"]
