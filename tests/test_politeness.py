"""The request inside courtesy: what is left is what the templates read."""

from __future__ import annotations

import pytest

from assistant.nlu.politeness import unwrap, verb_of


@pytest.mark.parametrize(
    ("said", "asked"),
    [
        ("would you be so kind as to turn the lounge lamp off, dear", "turn the lounge lamp off"),
        ("would you mind terribly locking the front door for me", "lock the front door"),
        ("do you mind closing the blinds", "close the blinds"),
        ("could you be a dear and dim the ceiling light to 25 percent", "dim the ceiling light to 25 percent"),
        ("be a love and put the kettle on, would you", "put the kettle on"),
        ("set the lounge lamp to 30 percent if you'd be so kind", "set the lounge lamp to 30 percent"),
        ("turn off the bed side lamp would you dear", "turn off the bed side lamp"),
        ("put the kettle on, there's a dear", "put the kettle on"),
        ("oh and put the kettle on while you're at it", "oh and put the kettle on"),
        ("I'd like the front door unlocked if you don't mind", "unlock the front door"),
        ("we'd like the porch light on", "turn on the porch light"),
        ("I was wondering if you could open the garage", "open the garage"),
        ("I'd like it a little cooler back here", "make it a little cooler back here"),
        ("we'd like the lounge a bit warmer", "make the lounge a bit warmer"),
        # Nothing to unwrap: left as said.
        ("turn on the kitchen light", "turn on the kitchen light"),
        ("would you like to hear a joke", "would you like to hear a joke"),
        ("please", "please"),
    ],
)
def test_unwrap(said: str, asked: str) -> None:
    assert unwrap(said) == asked


@pytest.mark.parametrize(
    ("gerund", "verb"),
    [("locking", "lock"), ("closing", "close"), ("setting", "set"), ("dimming", "dim"), ("turning", "turn"),
     ("opening", "open"), ("raising", "raise"), ("switching", "switch")],
)
def test_verb_of(gerund: str, verb: str) -> None:
    assert verb_of(gerund) == verb
