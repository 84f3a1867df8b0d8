"""What understanding produces: an intent with slots and targets, and the MQTT messages it means."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.registry import Entity


@dataclass(frozen=True)
class Action:
    """One MQTT message to publish to a device's command topic."""

    topic: str
    payload: str
    entity_id: str
    retain: bool = False

    def as_json(self) -> dict[str, str]:
        return {"topic": self.topic, "payload": self.payload}


@dataclass
class Intent:
    """A recognised request, named and shaped like Home Assistant's intents.

    `slots` holds what was said (`name`, `area`, `domain`, `brightness`, `temperature`, ...);
    `targets` the entities it resolved to. `source` tells who understood it: "template" (hassil),
    "model" (the small language model), or "dialogue" (a follow-up resolved from context).
    """

    name: str
    slots: dict[str, Any] = field(default_factory=dict)
    targets: list[Entity] = field(default_factory=list)
    source: str = "template"
    text: str = ""
    ambiguous: list[Entity] = field(default_factory=list)
    """When `targets` is empty because several devices answer to what was said ("the lamp" in a
    room with two lamps): those devices, so the user can be asked which one."""


class ActionError(Exception):
    """The intent cannot be carried out on these targets; the message is spoken to the user."""
