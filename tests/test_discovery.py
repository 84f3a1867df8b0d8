"""Home Assistant MQTT discovery payloads -> entities, and the `devices:` list of the config."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import yaml

from assistant.discovery import (
    ABBREVIATIONS,
    DEVICE_ABBREVIATIONS,
    DiscoveryResult,
    DiscoveryTracker,
    entities_from_config,
    parse_discovery,
)
from assistant.registry import Entity, Registry

# Each case: a discovery message and what the assistant must learn from it.
CASES = yaml.safe_load(
    r"""
- id: per-entity, full keys, node id, entity name shown after the device name
  topic: homeassistant/light/kitchen/ceiling/config
  payload:
    name: Ceiling
    unique_id: kitchen-ceiling-1
    command_topic: home/kitchen/ceiling/set
    state_topic: home/kitchen/ceiling/state
    brightness_command_topic: home/kitchen/ceiling/brightness/set
    device: {identifiers: [k1], name: Kitchen light, suggested_area: Kitchen}
  expect:
    unique_id: kitchen-ceiling-1
    component: light
    object_id: ceiling
    entity_id: light.ceiling
    name: Kitchen light Ceiling
    aliases: [Ceiling]
    area: Kitchen
    device_name: Kitchen light
    config:
      command_topic: home/kitchen/ceiling/set
      brightness_command_topic: home/kitchen/ceiling/brightness/set

- id: abbreviated keys (Tasmota style), ~ at the start, name null takes the device name
  topic: homeassistant/switch/plug1/power/config
  payload:
    "~": tasmota/plug1
    name: null
    uniq_id: plug1_power
    cmd_t: "~/cmnd/POWER"
    stat_t: "~/stat/POWER"
    pl_on: "ON"
    pl_off: "OFF"
    avty_t: "~/LWT"
    pl_avail: Online
    pl_not_avail: Offline
    dev: {ids: [plug1], name: Coffee machine, mf: Tasmota, mdl: Sonoff S20, sa: Kitchen, sw: 13.1.0}
  expect:
    unique_id: plug1_power
    name: Coffee machine
    aliases: []
    area: Kitchen
    config:
      command_topic: tasmota/plug1/cmnd/POWER
      state_topic: tasmota/plug1/stat/POWER
      availability_topic: tasmota/plug1/LWT
      payload_on: "ON"
      payload_available: Online
      payload_not_available: Offline
      device: {identifiers: [plug1], name: Coffee machine, manufacturer: Tasmota, model: Sonoff S20,
               suggested_area: Kitchen, sw_version: 13.1.0}
    absent: ["~", cmd_t, stat_t, dev, uniq_id]

- id: ~ at the end of a topic and in availability items, not in the middle (as Home Assistant)
  topic: homeassistant/cover/hall_blind/config
  payload:
    "~": hall_blind
    name: Hall blind
    cmd_t: "cmnd/~"
    pos_t: "stat/~/position"
    set_pos_t: "~/position/set"
    avty: [{t: "~/online"}, {topic: bridge/state, pl_avail: up}]
  expect:
    config:
      command_topic: cmnd/hall_blind
      position_topic: stat/~/position
      set_position_topic: hall_blind/position/set
      availability: [{topic: hall_blind/online}, {topic: bridge/state, payload_available: up}]

- id: no unique_id -> component.node_object, numbers in payloads become text
  topic: homeassistant/switch/garden/pump/config
  payload: {name: Pump, command_topic: garden/pump/set, payload_on: 1, payload_off: 0}
  expect:
    unique_id: switch.garden_pump
    name: Pump
    config: {payload_on: "1", payload_off: "0"}

- id: no node id
  topic: homeassistant/scene/movie_time/config
  payload: {name: Movie time, command_topic: scenes/movie/set}
  expect: {unique_id: scene.movie_time, object_id: movie_time}

- id: default_entity_id names the object id
  topic: homeassistant/light/0x1234/light/config
  payload:
    name: null
    uniq_id: 0x1234_light
    def_ent_id: light.living_room_lamp
    schema: json
    cmd_t: zigbee2mqtt/Living room lamp/set
    stat_t: zigbee2mqtt/Living room lamp
    dev: {ids: [zigbee2mqtt_0x1234], name: Living room lamp}
  expect: {object_id: living_room_lamp, entity_id: light.living_room_lamp, name: Living room lamp}

- id: an entity name that already starts with the device name is not doubled
  topic: homeassistant/binary_sensor/door/contact/config
  payload:
    name: Front door contact
    stat_t: zigbee2mqtt/front_door
    dev_cla: door
    dev: {name: Front door}
  expect: {name: Front door contact, aliases: [], device_class: door}

- id: a full key wins over its abbreviation
  topic: homeassistant/switch/x/config
  payload: {name: X, cmd_t: abbreviated/set, command_topic: full/set}
  expect: {config: {command_topic: full/set}}

- id: no name anywhere -> the object id, readable
  topic: homeassistant/fan/bedroom_fan/config
  payload: {command_topic: bedroom/fan/set}
  expect: {name: bedroom fan}

- id: a cover with payload_stop null cannot be stopped, as Home Assistant allows
  topic: homeassistant/cover/tailgate/config
  payload: {name: Tailgate, command_topic: truck/tailgate/set, payload_stop: null, device_class: door}
  expect: {name: Tailgate, config: {payload_stop: null}}
"""
)


def _check(entity: Entity, expect: dict[str, Any]) -> None:
    for key, value in expect.items():
        if key == "config":
            for config_key, config_value in value.items():
                assert entity.config[config_key] == config_value, config_key
        elif key == "absent":
            for config_key in value:
                assert config_key not in entity.config, config_key
        else:
            assert getattr(entity, key) == value, key


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_discovery_message_becomes_an_entity(case: dict[str, Any], caplog: pytest.LogCaptureFixture) -> None:
    result = parse_discovery(case["topic"], json.dumps(case["payload"]).encode())
    assert result is not None
    assert result.topic == case["topic"]
    assert len(result.entities) == 1
    _check(result.entities[0], case["expect"])
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def _sample(full: str) -> Any:
    """A value the validator accepts for a key: topics, texts, a list for options, else a number."""
    if full.endswith("topic"):
        return f"t/{full}"
    if full in ("name", "object_id", "default_entity_id", "device_class"):
        return f"v-{full}"
    return ["a", "b"] if full == "options" else 1


def test_every_home_assistant_abbreviation_is_expanded() -> None:
    structural = {"dev", "avty", "o", "cmps", "p"}
    payload: dict[str, Any] = {
        short: _sample(full) for short, full in ABBREVIATIONS.items() if short not in structural
    }
    payload["dev"] = {short: f"device-{short}" for short in DEVICE_ABBREVIATIONS}
    result = parse_discovery("homeassistant/switch/all/config", json.dumps(payload).encode())
    assert result is not None
    config = result.entities[0].config
    for short, full in ABBREVIATIONS.items():
        if short in structural:
            continue
        assert config[full] in (payload[short], str(payload[short])), full
        if short != full:
            assert short not in config, short
    assert config["device"] == {full: f"device-{short}" for short, full in DEVICE_ABBREVIATIONS.items()}


def test_the_table_matches_home_assistant_on_well_known_keys() -> None:
    # Spot checks against Home Assistant's abbreviations.py.
    assert ABBREVIATIONS["bri_scl"] == "brightness_scale"
    assert ABBREVIATIONS["set_pos_t"] == "set_position_topic"
    assert ABBREVIATIONS["fan_mode_cmd_t"] == "fan_mode_command_topic"
    assert ABBREVIATIONS["pl_unlk"] == "payload_unlock"
    assert ABBREVIATIONS["pl_cls"] == "payload_close"
    assert ABBREVIATIONS["json_attr_t"] == "json_attributes_topic"
    assert ABBREVIATIONS["def_ent_id"] == "default_entity_id"
    assert DEVICE_ABBREVIATIONS["sa"] == "suggested_area"
    assert DEVICE_ABBREVIATIONS["mf"] == "manufacturer"


DEVICE_PAYLOAD = {
    "dev": {"ids": ["multisensor_1"], "name": "Bedroom multisensor", "sa": "Bedroom", "mf": "Acme"},
    "o": {"name": "acme2mqtt", "sw": "1.0", "url": "https://example.invalid"},
    "~": "acme/ms1",
    "stat_t": "~/state",
    "avty_t": "~/availability",
    "qos": 1,
    "cmps": {
        "temperature": {
            "p": "sensor",
            "name": "Temperature",
            "dev_cla": "temperature",
            "unit_of_meas": "°C",
            "val_tpl": "{{ value_json.temperature }}",
            "uniq_id": "ms1_t",
        },
        "night_light": {
            "p": "light",
            "name": "Night light",
            "schema": "json",
            "cmd_t": "~/light/set",
            "stat_t": "~/light",
            "uniq_id": "ms1_l",
        },
        "pir": {"p": "device_automation", "automation_type": "trigger", "topic": "~/pir", "type": "action"},
    },
}


def test_device_based_discovery_announces_each_component() -> None:
    result = parse_discovery("homeassistant/device/ms1/config", json.dumps(DEVICE_PAYLOAD).encode())
    assert result is not None
    by_id = {entity.unique_id: entity for entity in result.entities}
    assert set(by_id) == {"ms1_t", "ms1_l"}
    sensor, light = by_id["ms1_t"], by_id["ms1_l"]
    assert (sensor.component, sensor.area) == ("sensor", "Bedroom")
    assert sensor.name == "Bedroom multisensor Temperature"
    assert sensor.config["state_topic"] == "acme/ms1/state"
    assert sensor.config["availability_topic"] == "acme/ms1/availability"
    assert sensor.config["unit_of_measurement"] == "°C"
    assert sensor.device_class == "temperature"
    assert sensor.config["origin"] == {"name": "acme2mqtt", "sw_version": "1.0", "support_url": "https://example.invalid"}
    assert light.config["state_topic"] == "acme/ms1/light"
    assert light.config["command_topic"] == "acme/ms1/light/set"
    assert light.object_id == "night_light"


def test_device_component_reduced_to_its_platform_is_removed() -> None:
    registry, tracker = Registry(), DiscoveryTracker()
    topic = "homeassistant/device/ms1/config"
    tracker.apply(_parsed(topic, DEVICE_PAYLOAD), registry)
    assert {e.unique_id for e in registry} == {"ms1_t", "ms1_l"}

    update = json.loads(json.dumps(DEVICE_PAYLOAD))
    update["cmps"]["night_light"] = {"p": "light"}
    change = tracker.apply(_parsed(topic, update), registry)
    assert [e.unique_id for e in change.removed] == ["ms1_l"]
    assert {e.unique_id for e in registry} == {"ms1_t"}

    change = tracker.apply(_parsed(topic, b""), registry)
    assert [e.unique_id for e in change.removed] == ["ms1_t"]
    assert len(registry) == 0


def _parsed(topic: str, payload: dict[str, Any] | bytes) -> DiscoveryResult:
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    result = parse_discovery(topic, data)
    assert result is not None
    return result


def test_empty_retained_payload_removes_the_entity_and_state_survives_updates() -> None:
    registry, tracker = Registry(), DiscoveryTracker()
    topic = "homeassistant/switch/garden/pump/config"
    config = {"name": "Pump", "unique_id": "pump", "command_topic": "garden/pump/set"}
    tracker.apply(_parsed(topic, config), registry)
    registry.get("pump").state["state"] = "on"  # type: ignore[union-attr]

    change = tracker.apply(_parsed(topic, {**config, "name": "Garden pump"}), registry)
    assert [e.name for e in change.announced] == ["Garden pump"]
    assert registry.get("pump").state == {"state": "on"}  # type: ignore[union-attr]

    removal = _parsed(topic, b"")
    assert removal.removes
    change = tracker.apply(removal, registry)
    assert [e.unique_id for e in change.removed] == ["pump"]
    assert registry.get("pump") is None


def test_an_entity_that_moved_to_another_topic_is_not_removed_with_the_old_one() -> None:
    registry, tracker = Registry(), DiscoveryTracker()
    config = {"name": "Lamp", "unique_id": "lamp", "command_topic": "lamp/set"}
    tracker.apply(_parsed("homeassistant/light/old/lamp/config", config), registry)
    tracker.apply(_parsed("homeassistant/light/new/lamp/config", config), registry)
    change = tracker.apply(_parsed("homeassistant/light/old/lamp/config", b""), registry)
    assert change.removed == []
    assert registry.get("lamp") is not None


def test_other_platforms_and_topics_are_ignored_quietly(caplog: pytest.LogCaptureFixture) -> None:
    assert parse_discovery("homeassistant/device_automation/x/config", b'{"topic": "a"}') is None
    assert parse_discovery("homeassistant/sensor/x/state", b"1") is None
    assert parse_discovery("zigbee2mqtt/sensor/x/config", b"{}", prefix="homeassistant") is None
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


BIG_BUT_VALID = json.dumps({"name": "Big", "command_topic": "x/set", "padding": "x" * 70_000}).encode()

# (topic, payload, words the single warning must contain)
INVALID = [
    ("homeassistant/light/a/config", b"{not json", "not JSON"),
    ("homeassistant/light/a/config", b"\xff\xfe{}", "not UTF-8"),
    ("homeassistant/light/a/config", b"[1, 2]", "must be a JSON object"),
    ("homeassistant/light/a/config", b'"light"', "must be a JSON object"),
    ("homeassistant/toaster/a/config", b'{"command_topic": "t/set"}', "unknown component 'toaster'"),
    ("homeassistant/light/a/config", b'{"name": "Lamp", "state_topic": "l"}', "needs command_topic"),
    ("homeassistant/scene/a/config", b'{"name": "Movie"}', "needs command_topic"),
    ("homeassistant/button/a/config", b'{"name": "Doorbell"}', "needs command_topic"),
    ("homeassistant/sensor/a/config", b'{"name": "Temp"}', "needs state_topic"),
    ("homeassistant/binary_sensor/a/config", b'{"name": "Door"}', "needs state_topic"),
    ("homeassistant/select/a/config", b'{"command_topic": "s/set"}', "needs options"),
    ("homeassistant/cover/a/config", b'{"name": "Blind"}', "needs at least one of command_topic"),
    ("homeassistant/light/a/config", b'{"cmd_t": 5}', "command_topic must be a topic string"),
    ("homeassistant/light/a/config", b'{"cmd_t": ""}', "command_topic is empty"),
    ("homeassistant/light/a/config", b'{"cmd_t": "lights/+/set"}', "wildcard"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "name": ["Lamp"]}', "name must be text or null"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "uniq_id": {"a": 1}}', "unique_id must be text"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "dev": "kitchen"}', "device must be an object"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "dev": {"name": 7}}', "device.name must be text"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "bri_scl": "high"}', "brightness_scale must be a"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "avty": [{"t": 1}]}', "availability[0].topic"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "pl_on": {"x": 1}}', "payload_on must be text"),
    ("homeassistant/light/a/config", b'{"cmd_t": "l/set", "~": 3}', "must be a topic string"),
    ("homeassistant/light/a/config", BIG_BUT_VALID, "more than the 65536 allowed"),
    ("homeassistant/light/a/config", b"\x00\xff" * 500_000, "more than the 65536 allowed"),
    ("homeassistant/light/a b/config", b'{"cmd_t": "l/set"}', "not a valid discovery topic"),
    ("homeassistant/device/d1/config", b'{"cmps": {}}', "needs a `device`"),
    ("homeassistant/device/d1/config", b'{"dev": {"name": "D"}}', "needs a `components`"),
    ("homeassistant/device/d1/config", b'{"dev": {}, "cmps": {"x": {"p": "light"}, "y": {"p": "ham"}}}',
     "unknown platform 'ham'"),
    ("homeassistant/device/d1/config", b'{"dev": {}, "cmps": {"x": {"name": "no platform"}}}', "platform"),
]


@pytest.mark.parametrize(("topic", "payload", "reason"), INVALID, ids=[case[2] for case in INVALID])
def test_invalid_discovery_is_ignored_with_one_warning(
    topic: str, payload: bytes, reason: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="assistant.discovery"):
        assert parse_discovery(topic, payload) is None
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    message = warnings[0].getMessage()
    assert topic in message
    assert reason in message
    assert len(message) < 300


def test_a_bad_component_does_not_hide_the_good_ones(caplog: pytest.LogCaptureFixture) -> None:
    payload = {
        "dev": {"name": "Hub"},
        "cmps": {
            "good": {"p": "switch", "cmd_t": "hub/good/set"},
            "bad": {"p": "switch", "name": "no topic"},
        },
    }
    result = parse_discovery("homeassistant/device/hub/config", json.dumps(payload).encode())
    assert result is not None
    assert [e.object_id for e in result.entities] == ["good"]
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


CONFIG_DEVICES = yaml.safe_load(
    """
- platform: light
  name: Desk lamp
  cmd_t: office/desk/set
  stat_t: office/desk/state
  area: Office
  aliases: [reading light, desk light]
- platform: cover
  name: Garage door
  unique_id: garage
  command_topic: garage/door/set
  position_topic: garage/door/position
  device_class: garage
  device: {name: Garage, suggested_area: Garage}
"""
)


def test_config_devices_become_entities() -> None:
    desk, garage = entities_from_config(CONFIG_DEVICES, "config.yaml")
    assert (desk.unique_id, desk.entity_id, desk.name, desk.area) == (
        "light.desk_lamp",
        "light.desk_lamp",
        "Desk lamp",
        "Office",
    )
    assert desk.aliases == ["reading light", "desk light"]
    assert desk.config["command_topic"] == "office/desk/set"
    assert "platform" not in desk.config
    assert (garage.unique_id, garage.name, garage.area, garage.device_class) == (
        "garage",
        "Garage door",
        "Garage",
        "garage",
    )


BAD_CONFIGS = [
    ([{"name": "Lamp", "command_topic": "l/set"}], "devices[0]: needs `platform:`"),
    ([CONFIG_DEVICES[0], {"platform": "toaster", "name": "T"}], "devices[1]: unknown platform 'toaster'"),
    ([{"platform": "light", "name": "Lamp"}], "devices[0]: a light needs command_topic"),
    ([{"platform": "light", "name": "Lamp", "cmd_t": "l/set", "aliases": "lamp"}], "aliases: must be a list"),
    ([{"platform": "light", "name": "Lamp", "cmd_t": "l/set", "area": 3}], "area: must be text"),
    ([{"platform": "switch", "cmd_t": "s/set"}], "needs `name:`, `object_id:` or `unique_id:`"),
    (["light"], "devices[0]: must be a mapping"),
    ([CONFIG_DEVICES[0], CONFIG_DEVICES[0]], "devices[1]: unique_id 'light.desk_lamp' is already used by"),
]


@pytest.mark.parametrize(("devices", "message"), BAD_CONFIGS, ids=[case[1] for case in BAD_CONFIGS])
def test_config_device_errors_name_the_item_and_the_problem(devices: list[Any], message: str) -> None:
    with pytest.raises(ValueError, match=r"^config\.yaml: devices") as error:
        entities_from_config(devices, "config.yaml")
    assert message in str(error.value)
