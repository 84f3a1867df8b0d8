"""The assistant's own Home Assistant device: discovery configs that Home Assistant accepts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from mosquitto import Mosquitto, MqttListener

from assistant.discovery import parse_discovery
from assistant.mqtt import MqttLink, MqttSettings
from assistant.nlu.catalogue import INTENTS
from assistant.self_entities import STATES, SelfEntities

# Configuration variables of Home Assistant's MQTT platforms (home-assistant.io, integrations
# sensor.mqtt, event.mqtt, switch.mqtt, number.mqtt, button.mqtt), plus what every discovered
# entity may carry (`origin`, `platform` in device-based discovery).
COMMON_KEYS = {
    "availability",
    "availability_mode",
    "availability_template",
    "availability_topic",
    "default_entity_id",
    "device",
    "enabled_by_default",
    "encoding",
    "entity_category",
    "entity_picture",
    "icon",
    "json_attributes_template",
    "json_attributes_topic",
    "name",
    "object_id",
    "origin",
    "payload_available",
    "payload_not_available",
    "platform",
    "qos",
    "unique_id",
}
PLATFORM_KEYS = {
    "sensor": {
        "device_class",
        "expire_after",
        "force_update",
        "last_reset_value_template",
        "options",
        "state_class",
        "state_topic",
        "suggested_display_precision",
        "unit_of_measurement",
        "value_template",
    },
    "event": {"device_class", "event_types", "state_topic", "value_template"},
    "switch": {
        "command_template",
        "command_topic",
        "device_class",
        "optimistic",
        "payload_off",
        "payload_on",
        "retain",
        "state_off",
        "state_on",
        "state_topic",
        "value_template",
    },
    "number": {
        "command_template",
        "command_topic",
        "device_class",
        "max",
        "min",
        "mode",
        "optimistic",
        "payload_reset",
        "retain",
        "state_topic",
        "step",
        "unit_of_measurement",
        "value_template",
    },
    "button": {"command_template", "command_topic", "device_class", "payload_press", "retain"},
}
REQUIRED_KEYS = {
    "sensor": {"state_topic"},
    "event": {"state_topic", "event_types"},
    "switch": {"command_topic"},
    "number": {"command_topic"},
    "button": {"command_topic"},
}
DEVICE_KEYS = {
    "configuration_url",
    "connections",
    "hw_version",
    "identifiers",
    "manufacturer",
    "model",
    "model_id",
    "name",
    "serial_number",
    "suggested_area",
    "sw_version",
    "via_device",
}
ORIGIN_KEYS = {"name", "sw_version", "support_url"}
TOPIC = re.compile(
    r"^homeassistant/(?P<component>\w+)/(?P<node>[a-zA-Z0-9_-]+)/(?P<object>[a-zA-Z0-9_-]+)/config$"
)


def _configs(entities: SelfEntities) -> list[tuple[str, dict[str, Any]]]:
    configs = []
    for topic, payload in entities.discovery_messages():
        match = TOPIC.match(topic)
        assert match, topic
        configs.append((match["component"], json.loads(payload)))
    return configs


def test_every_config_uses_only_documented_keys_and_has_the_required_ones() -> None:
    configs = _configs(SelfEntities("kitchen", "assistant", "homeassistant", "Kitchen assistant"))
    assert sorted(component for component, _ in configs) == [
        "button",
        "event",
        "number",
        "sensor",
        "sensor",
        "sensor",
        "switch",
    ]
    for component, config in configs:
        assert set(config) <= COMMON_KEYS | PLATFORM_KEYS[component], (component, set(config) - COMMON_KEYS)
        assert REQUIRED_KEYS[component] <= set(config), component
        assert set(config["device"]) <= DEVICE_KEYS
        assert set(config["origin"]) <= ORIGIN_KEYS
        assert "name" in config["origin"]


def test_one_device_with_availability_and_unique_ids() -> None:
    entities = SelfEntities("kitchen", "assistant", "homeassistant", "Kitchen assistant")
    configs = [config for _, config in _configs(entities)]
    assert {json.dumps(config["device"], sort_keys=True) for config in configs} == {
        json.dumps(configs[0]["device"], sort_keys=True)
    }
    assert configs[0]["device"]["identifiers"] == ["assistant_kitchen"]
    assert configs[0]["device"]["name"] == "Kitchen assistant"
    assert {config["availability_topic"] for config in configs} == {"assistant/kitchen/status"}
    unique_ids = [config["unique_id"] for config in configs]
    assert len(set(unique_ids)) == len(unique_ids) == 7


def test_entities_and_their_topics() -> None:
    entities = SelfEntities("kitchen", "assistant", "homeassistant", "Kitchen assistant")
    by_name = {config["name"]: (component, config) for component, config in _configs(entities)}
    assert set(by_name) == {"State", "Last transcript", "Last intent", "Intent", "Mute", "Volume", "Listen"}

    state = by_name["State"][1]
    assert (state["state_topic"], state["device_class"], state["options"]) == (
        "assistant/kitchen/state",
        "enum",
        ["idle", "listening", "thinking", "speaking", "error"],
    )
    assert list(STATES) == state["options"]
    assert (
        by_name["Last transcript"][1]["state_topic"]
        == entities.transcript_topic
        == "assistant/kitchen/transcript"
    )
    assert by_name["Last intent"][1]["state_topic"] == entities.intent_topic
    event = by_name["Intent"][1]
    assert event["state_topic"] == entities.event_topic
    assert event["event_types"] == [*INTENTS, "not_recognized"]
    mute = by_name["Mute"][1]
    assert (mute["command_topic"], mute["state_topic"]) == (
        entities.mute_command_topic,
        entities.mute_state_topic,
    )
    volume = by_name["Volume"][1]
    assert (volume["min"], volume["max"], volume["command_topic"], volume["state_topic"]) == (
        0,
        100,
        entities.volume_command_topic,
        entities.volume_state_topic,
    )
    listen = by_name["Listen"]
    assert listen[0] == "button"
    assert listen[1]["command_topic"] == entities.listen_command_topic
    assert entities.command_topics() == [
        "assistant/kitchen/mute/set",
        "assistant/kitchen/volume/set",
        "assistant/kitchen/listen",
    ]
    topics = [
        entities.status_topic,
        entities.state_topic,
        entities.transcript_topic,
        entities.intent_topic,
        entities.event_topic,
        entities.mute_command_topic,
        entities.mute_state_topic,
        entities.volume_command_topic,
        entities.volume_state_topic,
        entities.listen_command_topic,
    ]
    assert len(set(topics)) == len(topics)


def test_a_site_id_with_spaces_still_gives_valid_discovery_topics() -> None:
    entities = SelfEntities("living room", "home/voice", "ha", "Living room")
    for topic, _payload in entities.discovery_messages():
        assert re.match(r"^ha/\w+/assistant_living_room/[a-z_]+/config$", topic), topic
    assert entities.status_topic == "home/voice/living room/status"


def test_the_configs_read_back_as_discovery() -> None:
    entities = SelfEntities("kitchen", "assistant", "homeassistant", "Kitchen assistant")
    learned = []
    for topic, payload in entities.discovery_messages():
        result = parse_discovery(topic, payload.encode())
        if "/event/" in topic:
            assert result is None  # the assistant does not drive event entities
            continue
        assert result is not None, topic
        learned.extend(result.entities)
    assert sorted(entity.name for entity in learned) == [
        "Kitchen assistant Last intent",
        "Kitchen assistant Last transcript",
        "Kitchen assistant Listen",
        "Kitchen assistant Mute",
        "Kitchen assistant State",
        "Kitchen assistant Volume",
    ]


def test_discovery_messages_arrive_retained(
    mosquitto: Mosquitto, mqtt_listener_factory: Callable[..., MqttListener]
) -> None:
    site_id = "kitchen"
    entities = SelfEntities(site_id, "assistant", "homeassistant", "Kitchen assistant")
    link = MqttLink(MqttSettings(host=mosquitto.host, port=mosquitto.port), site_id, lambda *message: None)
    link.start()
    try:
        assert link.wait_connected(5)
        for topic, payload in entities.discovery_messages():
            link.publish(topic, payload, retain=True)
        link.publish(entities.state_topic, "idle", retain=True)
        # The broker handles one connection's messages in order: once this is acknowledged, the
        # retained messages above are stored.
        assert link.send_command("test/flush", "").delivered
        home_assistant = mqtt_listener_factory(mosquitto, ("homeassistant/#", "assistant/#"))
        for topic, payload in entities.discovery_messages():
            message = home_assistant.wait_for(topic)
            assert message.retained is True
            assert json.loads(message.payload) == json.loads(payload)
        assert home_assistant.wait_for(entities.status_topic).payload == b"online"
        assert home_assistant.wait_for(entities.state_topic).payload == b"idle"
    finally:
        link.stop()
