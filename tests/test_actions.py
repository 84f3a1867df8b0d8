"""Intents -> MQTT messages, replies, answers and errors, from the cases in tests/actions/*.yaml.

Each YAML file declares `devices` (discovery configs with expanded keys) and `cases`: the targets,
optional state per device, the intent, and exactly one expected outcome — `messages` (the exact
topic/payload pairs, in order), `error` (the ActionError sentence) or `answer` (for questions) —
plus optionally the `reply` and the `question` asked before a risky action.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.nlu.actions import answer_question, build_actions
from assistant.nlu.catalogue import INTENTS
from assistant.nlu.replies import confirmation_question, reply_for
from assistant.nlu.types import ActionError, Intent
from assistant.registry import Entity, normalize_name

CASES = Path(__file__).parent / "actions"
OUTCOMES = ("messages", "error", "answer")


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            params.append(pytest.param(data["devices"], case, id=f"{path.stem}:{case['id']}"))
    return params


def _entity(key: str, spec: dict[str, Any], state: dict[str, Any]) -> Entity:
    config = spec["config"]
    return Entity(
        unique_id=key,
        component=spec["component"],
        object_id=normalize_name(spec["name"]).replace(" ", "_"),
        name=spec["name"],
        config=config,
        area=spec.get("area"),
        device_class=config.get("device_class"),
        state=dict(state.get(key, {})),
    )


def _command_topics(entity: Entity) -> set[str]:
    return {
        value
        for key, value in entity.config.items()
        if key.endswith("command_topic") or key in ("set_position_topic", "set_fan_speed_topic")
    }


@pytest.mark.parametrize(("devices", "case"), _cases())
def test_case(devices: dict[str, Any], case: dict[str, Any]) -> None:
    assert sum(outcome in case for outcome in OUTCOMES) == 1, "a case expects exactly one outcome"
    targets = [_entity(key, devices[key], case.get("state", {})) for key in case["targets"]]
    spec = case["intent"]
    intent = Intent(spec["name"], dict(spec.get("slots") or {}), targets, text=spec.get("text", ""))

    if "error" in case:
        with pytest.raises(ActionError) as raised:
            build_actions(intent)
        assert str(raised.value) == case["error"]
    elif "answer" in case:
        assert answer_question(intent) == case["answer"]
        assert build_actions(intent) == []
    else:
        actions = build_actions(intent)
        assert [action.as_json() for action in actions] == case["messages"]
        by_id = {entity.entity_id: entity for entity in targets}
        for action in actions:
            assert action.topic in _command_topics(by_id[action.entity_id])
        if "reply" in case:
            assert reply_for(intent, actions) == case["reply"]
    if "question" in case:
        assert confirmation_question(intent) == case["question"]


def _refusal(intent: Intent) -> str | None:
    try:
        build_actions(intent)
    except ActionError as err:
        return str(err)
    return None


def test_every_device_intent_is_handled() -> None:
    """No device-changing intent of the catalogue falls through to 'I can't do that yet.'."""
    scene = Entity("s", "scene", "party", "Party", {"command_topic": "scene/party"})
    unhandled = [
        spec.name
        for spec in INTENTS.values()
        if spec.targets_devices
        and spec.changes_devices
        and _refusal(Intent(spec.name, {}, [scene])) == "I can't do that yet."
    ]
    assert unhandled == []
