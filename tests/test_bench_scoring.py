"""`assistant bench nlu` scores SLURP on what is published in the benchmark home: a sentence that
does what its label asks is right, one that does something else is a wrong action, and silence
is neither."""

from __future__ import annotations

import pytest

from assistant.benchmarks import SLURP_EXPECTED, _home_brain, effects_of
from assistant.brain import Brain
from assistant.config import load_config

# (sentence, SLURP label, "right" | "wrong" | "none")
CASES = [
    ("turn off the lights", "iot_hue_lightoff", "right"),
    ("turn off the lights", "iot_hue_lighton", "wrong"),
    ("dim the lights in the bedroom", "iot_hue_lightdim", "right"),
    ("dim the lights in the bedroom", "iot_hue_lightup", "wrong"),
    ("make the lights brighter", "iot_hue_lightup", "right"),
    ("turn on the shed light", "iot_hue_lightup", "right"),
    ("make the lights pink", "iot_hue_lightchange", "right"),
    ("make the lights pink", "iot_hue_lighton", "wrong"),
    ("turn on the smart plug", "iot_wemo_on", "right"),
    ("turn on the smart plug", "iot_coffee", "wrong"),
    ("make me a coffee", "iot_coffee", "right"),
    ("start cleaning", "iot_cleaning", "right"),
    ("start cleaning", "iot_wemo_on", "wrong"),
    ("play some music by the beatles", "iot_hue_lighton", "none"),
]


@pytest.fixture(scope="module")
def brain() -> Brain:
    return _home_brain(load_config(None), use_model=False)


@pytest.mark.parametrize(("sentence", "label", "outcome"), CASES)
def test_slurp_outcome(brain: Brain, sentence: str, label: str, outcome: str) -> None:
    house = brain.device_states()
    turn = brain.conversation("Living Room").handle(sentence)
    brain.restore_device_states(house)
    if outcome == "none":
        assert turn.actions == [], turn.actions
        return
    assert turn.actions, f"{sentence!r}: nothing published ({turn.reply!r})"
    right = SLURP_EXPECTED[label](effects_of(turn.actions, brain.registry))
    assert right == (outcome == "right"), [(a.topic, a.payload) for a in turn.actions]
