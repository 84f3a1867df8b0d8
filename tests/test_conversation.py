"""Conversation rules that do not depend on the sentence data: the checks on what the small model
proposes, the wake-word fragment Whisper hears, and timers that survive a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.brain import Brain
from assistant.config import load_config
from assistant.conversation import Conversation, ConversationSettings
from assistant.daemon import strip_wake_phrase
from assistant.demo import demo_retained
from assistant.nlu.types import Intent
from assistant.registry import Registry
from assistant.timers import Timers


class FixedModel:
    """Stands in for the language model: proposes one fixed intent on the demo house's thermostat."""

    def __init__(self, brain: Brain, name: str, slots: dict[str, object]) -> None:
        self.brain, self.name, self.slots = brain, name, slots

    def understand(self, text: str, registry: Registry, area: str | None) -> Intent | None:
        thermostat = [e for e in registry if e.component == "climate"]
        return Intent(self.name, dict(self.slots), thermostat, source="model", text=text)


@pytest.fixture
def brain() -> Brain:
    brain = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        brain.handle_message(topic, payload.encode(), retained=True)
    return brain


@pytest.mark.parametrize(
    ("text", "slots", "acts"),
    [
        ("what is the heating doing right now", {"temperature": 21}, False),  # a question never acts
        ("could you make it a cosy twenty one in here", {"temperature": 21}, True),
        ("could you make it cosy in here", {"temperature": 21}, False),  # 21 was never said
        ("heating to 23.5 would be lovely", {"temperature": 23.5}, True),
    ],
)
def test_model_proposals_must_be_grounded_in_what_was_said(
    brain: Brain, text: str, slots: dict[str, object], acts: bool
) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.settings = ConversationSettings(confirm_model_guesses=False)
    conversation.model = FixedModel(brain, "HassClimateSetTemperature", slots)
    turn = conversation.handle(text)
    assert bool(turn.actions) is acts, turn.as_json()


def test_a_model_guess_is_asked_about_before_acting(brain: Brain) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.model = FixedModel(brain, "HassClimateSetTemperature", {"temperature": 22})
    asked = conversation.handle("could you make it 22 in here")
    assert asked.actions == []
    assert asked.reply.startswith("Did you mean")
    assert "22" in asked.reply
    done = conversation.handle("yes")
    assert [a.as_json() for a in done.actions] == [{"topic": "home/thermostat/target/set", "payload": "22.0"}]


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("Mute, Turn on the Coffee Maker", "Turn on the Coffee Maker"),
        ("Okay Nabu, turn on the light", "turn on the light"),
        ("Kitchen, lights on", "Kitchen, lights on"),  # an area name is kept
        ("Yes, do it", "Yes, do it"),
        ("turn on the light", "turn on the light"),
    ],
)
def test_wake_word_fragment_is_dropped(heard: str, meant: str) -> None:
    assert strip_wake_phrase(heard, {"kitchen", "light"}) == meant


def test_timers_survive_a_restart(tmp_path: Path) -> None:
    now = [1000.0]
    timers = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    timers.start(300, "pasta")
    timers.start(60, None)
    now[0] += 30
    restarted = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    assert len(restarted) == 2
    assert restarted.remaining("pasta")[1] == pytest.approx(270)
    now[0] += 40
    assert [t.name for t in restarted.pop_due()] == ["1 minute"]
    assert [t.name for t in Timers(tmp_path / "timers.json", clock=lambda: now[0]).pop_due()] == []


def test_paused_timer_does_not_run_down(tmp_path: Path) -> None:
    now = [0.0]
    timers = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    timers.start(120, "tea")
    now[0] += 20
    timers.pause("tea")
    now[0] += 500
    assert timers.pop_due() == []
    timers.resume("tea")
    assert timers.remaining("tea")[1] == pytest.approx(100)
    timers.add(60, "tea")
    assert timers.remaining("tea")[1] == pytest.approx(160)


def test_context_and_confirmations_expire(brain: Brain) -> None:
    now = [0.0]
    conversation = Conversation(brain.registry, brain.matcher, None, brain.timers, ConversationSettings(),
                                area="Kitchen", clock=lambda: now[0])
    assert conversation.handle("turn on the coffee maker").actions
    now[0] += conversation.settings.context_seconds + 1
    assert conversation.handle("turn it off").actions == []  # "it" no longer means the coffee maker
    assert conversation.handle("unlock the front door").actions == []
    now[0] += conversation.settings.confirm_seconds + 1
    assert conversation.expire() == "Okay, I won't."
    assert conversation.handle("yes").actions == []


class FailingModel:
    def understand(self, text: str, registry: Registry, area: str | None) -> Intent | None:
        raise RuntimeError("the model fell over")


def test_a_failing_model_does_not_cost_the_turn(brain: Brain) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.model = FailingModel()
    turn = conversation.handle("make everything a bit nicer in here")
    assert turn.actions == []
    assert turn.reply == "Sorry, I can't do that."
    assert conversation.handle("turn on the coffee maker").actions


def test_floors_from_the_config_and_the_outside_the_areas_say(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "floors:\n  upstairs: [Bedroom]\n"
        "devices:\n"
        "  - {platform: light, name: Porch Light, unique_id: porch, area: Porch, command_topic: porch/set}\n"
        "  - {platform: light, name: Patio String, unique_id: patio, area: Back Patio, command_topic: patio/set}\n"
    )
    brain = Brain.from_config(load_config(config), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        brain.handle_message(topic, payload.encode(), retained=True)
    conversation = brain.conversation("Kitchen")
    upstairs = conversation.handle("turn on the lights upstairs")
    bedroom_lights = {e.entity_id for e in brain.registry.in_area("Bedroom") if e.component == "light"}
    assert bedroom_lights
    assert {a.entity_id for a in upstairs.actions} == bedroom_lights
    outside = conversation.handle("turn off all the outdoor lights")
    assert [(a.topic, a.payload) for a in outside.actions] == [("porch/set", "OFF"), ("patio/set", "OFF")]
