"""A small simulated house for the demo mode, the benchmarks and the tests.

`demo_discovery()` gives the retained discovery messages a Home Assistant MQTT installation would
hold for a few typical devices (Zigbee2MQTT-style lights, a Tasmota plug, covers, a thermostat, a
lock...). `DeviceSimulator` answers their command topics with state updates the way real devices
do, so the demo shows the whole loop: spoken command -> MQTT command -> device state.
"""

from __future__ import annotations

import json
import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)

PREFIX = "homeassistant"


def _device(ident: str, name: str, area: str) -> dict[str, Any]:
    return {"identifiers": [ident], "name": name, "suggested_area": area, "manufacturer": "Demo"}


DEMO_ENTITIES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "light",
        "kitchen_light",
        {
            "name": None,
            "unique_id": "demo_kitchen_light",
            "schema": "json",
            "command_topic": "zigbee2mqtt/Kitchen Light/set",
            "state_topic": "zigbee2mqtt/Kitchen Light",
            "brightness": True,
            "supported_color_modes": ["color_temp", "xy"],
            "device": _device("demo_kitchen_light", "Kitchen Light", "Kitchen"),
        },
    ),
    (
        "light",
        "living_room_lamp",
        {
            "name": "Living Room Lamp",
            "uniq_id": "demo_living_room_lamp",
            "~": "tasmota/lamp",
            "cmd_t": "~/cmnd/POWER",
            "stat_t": "~/stat/POWER",
            "bri_cmd_t": "~/cmnd/Dimmer",
            "bri_stat_t": "~/stat/Dimmer",
            "bri_scl": 100,
            "pl_on": "ON",
            "pl_off": "OFF",
            "dev": {"ids": ["demo_lamp"], "name": "Lamp", "sa": "Living Room"},
        },
    ),
    (
        "light",
        "bedroom_lamp",
        {
            "name": "Bedside Lamp",
            "unique_id": "demo_bedside_lamp",
            "command_topic": "home/bedroom/lamp/set",
            "state_topic": "home/bedroom/lamp/state",
            "brightness_command_topic": "home/bedroom/lamp/brightness/set",
            "brightness_state_topic": "home/bedroom/lamp/brightness",
            "rgb_command_topic": "home/bedroom/lamp/rgb/set",
            "rgb_state_topic": "home/bedroom/lamp/rgb",
            "device": _device("demo_bedside_lamp", "Bedside Lamp", "Bedroom"),
        },
    ),
    (
        "switch",
        "coffee_maker",
        {
            "name": "Coffee Maker",
            "unique_id": "demo_coffee_maker",
            "command_topic": "tasmota/coffee/cmnd/POWER",
            "state_topic": "tasmota/coffee/stat/POWER",
            "device": _device("demo_coffee_maker", "Coffee Maker", "Kitchen"),
        },
    ),
    (
        "cover",
        "bedroom_blinds",
        {
            "name": "Bedroom Blinds",
            "unique_id": "demo_bedroom_blinds",
            "device_class": "blind",
            "command_topic": "home/bedroom/blinds/set",
            "state_topic": "home/bedroom/blinds/state",
            "set_position_topic": "home/bedroom/blinds/position/set",
            "position_topic": "home/bedroom/blinds/position",
            "device": _device("demo_bedroom_blinds", "Bedroom Blinds", "Bedroom"),
        },
    ),
    (
        "cover",
        "garage_door",
        {
            "name": "Garage Door",
            "unique_id": "demo_garage_door",
            "device_class": "garage",
            "command_topic": "home/garage/door/set",
            "state_topic": "home/garage/door/state",
            "device": _device("demo_garage_door", "Garage Door", "Garage"),
        },
    ),
    (
        "lock",
        "front_door",
        {
            "name": "Front Door",
            "unique_id": "demo_front_door",
            "command_topic": "home/front_door/lock/set",
            "state_topic": "home/front_door/lock/state",
            "device": _device("demo_front_door", "Front Door", "Hallway"),
        },
    ),
    (
        "climate",
        "thermostat",
        {
            "name": "Thermostat",
            "unique_id": "demo_thermostat",
            "mode_command_topic": "home/thermostat/mode/set",
            "mode_state_topic": "home/thermostat/mode",
            "modes": ["off", "heat", "cool", "auto"],
            "temperature_command_topic": "home/thermostat/target/set",
            "temperature_state_topic": "home/thermostat/target",
            "current_temperature_topic": "home/thermostat/current",
            "min_temp": 10,
            "max_temp": 30,
            "temp_step": 0.5,
            "device": _device("demo_thermostat", "Thermostat", "Living Room"),
        },
    ),
    (
        "fan",
        "bedroom_fan",
        {
            "name": "Ceiling Fan",
            "unique_id": "demo_ceiling_fan",
            "command_topic": "home/bedroom/fan/set",
            "state_topic": "home/bedroom/fan/state",
            "percentage_command_topic": "home/bedroom/fan/percentage/set",
            "percentage_state_topic": "home/bedroom/fan/percentage",
            "device": _device("demo_ceiling_fan", "Ceiling Fan", "Bedroom"),
        },
    ),
    (
        "vacuum",
        "robot_vacuum",
        {
            "name": "Robot Vacuum",
            "unique_id": "demo_vacuum",
            "command_topic": "home/vacuum/command",
            "state_topic": "home/vacuum/state",
            "supported_features": ["start", "stop", "return_home", "status"],
            "device": _device("demo_vacuum", "Robot Vacuum", "Living Room"),
        },
    ),
    (
        "scene",
        "movie_night",
        {
            "name": "Movie Night",
            "unique_id": "demo_movie_night",
            "command_topic": "home/scene/movie_night/set",
            "payload_on": "ACTIVATE",
        },
    ),
    (
        "sensor",
        "outside_temperature",
        {
            "name": "Outside Temperature",
            "unique_id": "demo_outside_temperature",
            "state_topic": "home/outside/temperature",
            "unit_of_measurement": "°C",
            "device_class": "temperature",
            "device": _device("demo_outside_sensor", "Outside Sensor", "Garden"),
        },
    ),
]

DEMO_STATES: list[tuple[str, str]] = [
    ("zigbee2mqtt/Kitchen Light", json.dumps({"state": "OFF", "brightness": 0})),
    ("tasmota/lamp/stat/POWER", "OFF"),
    ("tasmota/lamp/stat/Dimmer", "60"),
    ("home/bedroom/lamp/state", "OFF"),
    ("tasmota/coffee/stat/POWER", "OFF"),
    ("home/bedroom/blinds/state", "closed"),
    ("home/bedroom/blinds/position", "0"),
    ("home/garage/door/state", "closed"),
    ("home/front_door/lock/state", "LOCKED"),
    ("home/thermostat/mode", "heat"),
    ("home/thermostat/target", "20"),
    ("home/thermostat/current", "19.5"),
    ("home/bedroom/fan/state", "OFF"),
    ("home/vacuum/state", json.dumps({"state": "docked"})),
    ("home/outside/temperature", "7.5"),
]


def demo_discovery(prefix: str = PREFIX) -> list[tuple[str, str]]:
    """(topic, payload) of the demo house's retained discovery configs."""
    return [
        (f"{prefix}/{component}/{object_id}/config", json.dumps(payload))
        for component, object_id, payload in DEMO_ENTITIES
    ]


def demo_retained(prefix: str = PREFIX) -> list[tuple[str, str]]:
    """Discovery configs followed by the devices' current states, as a broker would deliver them."""
    return demo_discovery(prefix) + DEMO_STATES


# Command topic -> how the simulated device reports its new state.
_ECHO: dict[str, str] = {
    "tasmota/lamp/cmnd/POWER": "tasmota/lamp/stat/POWER",
    "tasmota/lamp/cmnd/Dimmer": "tasmota/lamp/stat/Dimmer",
    "home/bedroom/lamp/set": "home/bedroom/lamp/state",
    "home/bedroom/lamp/brightness/set": "home/bedroom/lamp/brightness",
    "home/bedroom/lamp/rgb/set": "home/bedroom/lamp/rgb",
    "tasmota/coffee/cmnd/POWER": "tasmota/coffee/stat/POWER",
    "home/bedroom/blinds/position/set": "home/bedroom/blinds/position",
    "home/thermostat/mode/set": "home/thermostat/mode",
    "home/thermostat/target/set": "home/thermostat/target",
    "home/bedroom/fan/set": "home/bedroom/fan/state",
    "home/bedroom/fan/percentage/set": "home/bedroom/fan/percentage",
}
_STATE_WORDS: dict[str, dict[str, str]] = {
    "home/bedroom/blinds/set": {"OPEN": "open", "CLOSE": "closed", "STOP": "stopped"},
    "home/garage/door/set": {"OPEN": "open", "CLOSE": "closed", "STOP": "stopped"},
    "home/front_door/lock/set": {"LOCK": "LOCKED", "UNLOCK": "UNLOCKED"},
}


def simulated_response(topic: str, payload: str) -> list[tuple[str, str]]:
    """The state messages a demo device publishes after receiving `payload` on `topic`."""
    if topic in _ECHO:
        return [(_ECHO[topic], payload)]
    if topic in _STATE_WORDS:
        word = _STATE_WORDS[topic].get(payload)
        return [(topic.removesuffix("/set") + "/state", word)] if word else []
    if topic == "zigbee2mqtt/Kitchen Light/set":
        try:
            command = json.loads(payload)
        except ValueError:
            return []
        return [("zigbee2mqtt/Kitchen Light", json.dumps(command))] if isinstance(command, dict) else []
    if topic == "home/vacuum/command":
        states = {"start": "cleaning", "return_to_base": "returning", "stop": "idle"}
        return [("home/vacuum/state", json.dumps({"state": states.get(payload, "idle")}))]
    return []
