"""The paraphrase stage (assistant/nlu/paraphrase.py), data-driven: tests/paraphrase/cases.yaml,
in the demo house, or in the car profile (examples/car.yaml) for cases with `house: car`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.brain import Brain
from assistant.nlu.paraphrase import paraphrase

CASES = yaml.safe_load((Path(__file__).parent / "paraphrase" / "cases.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[case["say"] for case in CASES])
def test_everyday_phrasing(fresh_brains: dict[str, Brain], case: dict[str, Any]) -> None:
    brain = fresh_brains[case.get("house", "home")]
    assert paraphrase(case["say"], brain.registry) == case["plain"]
    turn = brain.conversation(case["area"]).handle(case["say"])
    assert [a.as_json() for a in turn.actions] == case["actions"], turn.as_json()
    if case["actions"]:
        assert turn.intent is not None
        assert turn.intent.source == "paraphrase"
        assert turn.intent.text == case["say"]
