"""The assistant itself as a Home Assistant device, announced through MQTT discovery.

One device per assistant (`identifiers: ["assistant_<site_id>"]`) with: its state (idle,
listening, thinking, speaking, error), the last transcript, the last intent, an event entity that
fires on every recognised intent, a mute switch, a volume number and a "listen" button (start
listening without the wake word). All share the availability topic `<base_topic>/<site_id>/status`
that `MqttLink` keeps `online`/`offline`.

The discovery configs are published retained; the pipeline publishes the states on the topics
below (retained, so Home Assistant shows them after its own restart) and handles the commands on
`command_topics()`: mute "ON"/"OFF", volume 0-100, listen "PRESS" (a retained listen command
would fire at every reconnect; ignore those).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assistant import __version__
from assistant.nlu.catalogue import INTENTS

STATES: tuple[str, ...] = ("idle", "listening", "thinking", "speaking", "error")
"""The values of the state sensor."""

NOT_RECOGNIZED = "not_recognized"
"""The event type fired when nothing was understood."""

EVENT_TYPES: tuple[str, ...] = (*INTENTS, NOT_RECOGNIZED)

_NODE_ID = re.compile(r"[^a-zA-Z0-9_-]+")

MODEL = "On-device voice assistant"
"""The device model of every assistant; how assistants recognise each other's entities."""


@dataclass(frozen=True)
class SelfTopics:
    """The topics of the assistant's own entities, all under `<base_topic>/<site_id>/`."""

    site_id: str
    base_topic: str = "assistant"

    @property
    def root(self) -> str:
        return f"{self.base_topic}/{self.site_id}"

    @property
    def status_topic(self) -> str:
        """Retained `online`/`offline`, kept by MqttLink (last will included)."""
        return f"{self.root}/status"

    @property
    def state_topic(self) -> str:
        return f"{self.root}/state"

    @property
    def transcript_topic(self) -> str:
        """The last transcript (plain text, retained; Home Assistant drops states over 255 characters)."""
        return f"{self.root}/transcript"

    @property
    def intent_topic(self) -> str:
        """The name of the last recognised intent (plain text, retained)."""
        return f"{self.root}/intent"

    @property
    def event_topic(self) -> str:
        """One JSON message per request: `{"event_type": <intent name or "not_recognized">, ...}`.

        Home Assistant keeps the other keys (text, slots, targets) as the event's attributes.
        """
        return f"{self.root}/event"

    @property
    def mute_command_topic(self) -> str:
        return f"{self.root}/mute/set"

    @property
    def mute_state_topic(self) -> str:
        return f"{self.root}/mute"

    @property
    def volume_command_topic(self) -> str:
        return f"{self.root}/volume/set"

    @property
    def volume_state_topic(self) -> str:
        return f"{self.root}/volume"

    @property
    def listen_command_topic(self) -> str:
        return f"{self.root}/listen"

    def command_topics(self) -> list[str]:
        """What to subscribe to for the commands Home Assistant sends the assistant."""
        return [self.mute_command_topic, self.volume_command_topic, self.listen_command_topic]


@dataclass(frozen=True)
class SelfEntities(SelfTopics):
    """The Home Assistant discovery configs of the assistant's own entities."""

    discovery_prefix: str = "homeassistant"
    name: str = "Voice assistant"

    @property
    def device_id(self) -> str:
        return f"assistant_{_NODE_ID.sub('_', self.site_id)}"

    def discovery_messages(self) -> list[tuple[str, str]]:
        """(topic, JSON config) for every entity; publish them retained."""
        return [
            (f"{self.discovery_prefix}/{component}/{self.device_id}/{object_id}/config", json.dumps(config))
            for component, object_id, config in self._configs()
        ]

    def _configs(self) -> list[tuple[str, str, dict[str, Any]]]:
        common = {
            "availability_topic": self.status_topic,
            "device": {
                "identifiers": [self.device_id],
                "name": self.name,
                "manufacturer": "assistant",
                "model": MODEL,
                "sw_version": __version__,
            },
            "origin": {"name": "assistant", "sw_version": __version__},
        }
        entities: list[tuple[str, str, dict[str, Any]]] = [
            (
                "sensor",
                "state",
                {
                    "name": "State",
                    "state_topic": self.state_topic,
                    "device_class": "enum",
                    "options": list(STATES),
                    "icon": "mdi:account-voice",
                },
            ),
            (
                "sensor",
                "transcript",
                {"name": "Last transcript", "state_topic": self.transcript_topic, "icon": "mdi:text-box"},
            ),
            (
                "sensor",
                "intent",
                {"name": "Last intent", "state_topic": self.intent_topic, "icon": "mdi:head-lightbulb"},
            ),
            (
                "event",
                "intent_event",
                {
                    "name": "Intent",
                    "state_topic": self.event_topic,
                    "event_types": list(EVENT_TYPES),
                    "icon": "mdi:gesture-tap-button",
                },
            ),
            (
                "switch",
                "mute",
                {
                    "name": "Mute",
                    "command_topic": self.mute_command_topic,
                    "state_topic": self.mute_state_topic,
                    "payload_on": "ON",
                    "payload_off": "OFF",
                    "icon": "mdi:microphone-off",
                },
            ),
            (
                "number",
                "volume",
                {
                    "name": "Volume",
                    "command_topic": self.volume_command_topic,
                    "state_topic": self.volume_state_topic,
                    "min": 0,
                    "max": 100,
                    "step": 1,
                    "mode": "slider",
                    "unit_of_measurement": "%",
                    "icon": "mdi:volume-high",
                },
            ),
            (
                "button",
                "listen",
                {
                    "name": "Listen",
                    "command_topic": self.listen_command_topic,
                    "payload_press": "PRESS",
                    "icon": "mdi:microphone",
                },
            ),
        ]
        return [
            (component, object_id, {**config, "unique_id": f"{self.device_id}_{object_id}", **common})
            for component, object_id, config in entities
        ]
