"""State messages from devices, interpreted the way Home Assistant's MQTT platforms read them.

`apply_state(entity, topic_key, payload)` is called for each (entity, config key) that subscribes
to the topic a message arrived on (see `Registry.state_topics`). It writes `entity.state` with Home
Assistant's state names: "on"/"off", "open"/"closed"/"opening"/"closing", "locked"/"unlocked"...,
the hvac mode for climate, numbers for sensors; brightness stays on the device's own scale,
positions and fan speeds become percentages.

Payloads come from devices we do not control: a bad one changes nothing and never raises.

Value templates are not run (there is no Jinja here). The simple forms most devices use,
`{{ value }}`, `{{ value_json.a }}`, `{{ value_json['a'] }}`, `{{ value_json.a.b }}` and
`{{ value_json.a[0] }}`, optionally followed by `| int`, `| float`, `| round(n)`, `| lower`,
`| upper`, `| trim` or `| string`, are evaluated by a small path extractor. Any other template
leaves the payload as it is.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
from collections.abc import Callable
from typing import Any

from assistant.registry import Entity

_LOGGER = logging.getLogger(__name__)

_MISSING = object()

_TEMPLATE = re.compile(
    r"^\{\{-?\s*(?P<source>value_json|value)(?P<path>(?:\s*\.\s*\w+|\s*\[\s*(?:'[^']*'|\"[^\"]*\"|-?\d+)\s*\])*)"
    r"\s*(?P<filters>(?:\|\s*[a-z_]+\s*(?:\(\s*-?\d*\s*\))?\s*)*)-?\}\}$"
)
_PATH_STEP = re.compile(r"\.\s*(\w+)|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]|\[\s*(-?\d+)\s*\]")
_FILTER = re.compile(r"\|\s*([a-z_]+)\s*(?:\(\s*(-?\d*)\s*\))?")

_CLIMATE_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"]
_ALARM_STATES = frozenset(
    {
        "disarmed",
        "armed_home",
        "armed_away",
        "armed_night",
        "armed_vacation",
        "armed_custom_bypass",
        "pending",
        "triggered",
        "arming",
        "disarming",
    }
)
_VACUUM_STATES = frozenset({"cleaning", "docked", "paused", "idle", "returning", "error"})
_MOWER_STATES = frozenset({"mowing", "paused", "docked", "error", "returning"})

Updates = dict[str, Any]


def apply_state(entity: Entity, topic_key: str, payload: bytes) -> bool:
    """Interpret one state message for one entity; return whether its state changed.

    `topic_key` is the config key naming the topic the message came on (`state_topic`,
    `brightness_state_topic`, `availability_topic`, `availability.0` for the first item of an
    `availability` list, ...).
    """
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError:
        _LOGGER.debug("Ignored a state message for %s on %s: not UTF-8", entity.entity_id, topic_key)
        return False
    if topic_key == "availability_topic" or topic_key.startswith("availability."):
        updates = _availability(entity, topic_key, text)
    elif topic_key == "json_attributes_topic":
        updates = _attributes(entity, text)
    else:
        handler = _HANDLERS.get(entity.component)
        updates = handler(entity, topic_key, text) if handler is not None else None
    if not updates:
        _LOGGER.debug("State message for %s on %s changed nothing: %.80r", entity.entity_id, topic_key, text)
        return False
    changed = any(entity.state.get(key, _MISSING) != value for key, value in updates.items())
    entity.state.update(updates)
    return changed


def extract(template: str | None, text: str) -> Any:
    """The value a simple Home Assistant value template picks out of a payload.

    No template, or one this extractor does not understand: the payload text itself. A supported
    template that finds nothing (payload not JSON, key missing, bad number): None.
    """
    if not template:
        return text
    match = _TEMPLATE.match(template.strip())
    if match is None:
        return text
    steps = _path_steps(match.group("path"))
    filters = _FILTER.findall(match.group("filters"))
    if steps is None or any(name not in _FILTERS for name, _ in filters):
        return text
    if match.group("source") == "value":
        if steps:
            return text
        value: Any = text
    else:
        try:
            value = json.loads(text)
        except ValueError:
            return None
        for step in steps:
            value = _step(value, step)
            if value is _MISSING:
                return None
    for name, argument in filters:
        value = _FILTERS[name](value, argument)
        if value is None:
            return None
    return value


def _path_steps(path: str) -> list[str | int] | None:
    steps: list[str | int] = []
    position = 0
    path = path.strip()
    while position < len(path):
        match = _PATH_STEP.match(path, position)
        if match is None:
            return None
        name, single, double, index = match.groups()
        if index is not None:
            steps.append(int(index))
        else:
            steps.append(next(part for part in (name, single, double) if part is not None))
        position = match.end()
        while position < len(path) and path[position].isspace():
            position += 1
    return steps


def _step(value: Any, step: str | int) -> Any:
    if isinstance(value, dict):
        return value.get(str(step), _MISSING)
    if isinstance(value, list):
        index = step if isinstance(step, int) else int(step) if str(step).isdigit() else None
        if index is not None and -len(value) <= index < len(value):
            return value[index]
    return _MISSING


def _filter_int(value: Any, _argument: str) -> int | None:
    number = _to_number(value)
    return None if number is None else int(number)


def _filter_float(value: Any, _argument: str) -> float | None:
    number = _to_number(value)
    return None if number is None else float(number)


def _filter_round(value: Any, argument: str) -> float | int | None:
    number = _to_number(value)
    if number is None:
        return None
    digits = int(argument) if argument else 0
    return round(float(number), digits) if digits else round(float(number))


_FILTERS: dict[str, Callable[[Any, str], Any]] = {
    "int": _filter_int,
    "float": _filter_float,
    "round": _filter_round,
    "lower": lambda value, _argument: _as_text(value).lower(),
    "upper": lambda value, _argument: _as_text(value).upper(),
    "trim": lambda value, _argument: _as_text(value).strip(),
    "string": lambda value, _argument: _as_text(value),
}


def _as_text(value: Any) -> str:
    """A value as Jinja would print it (Python's True/None spellings, as Home Assistant compares)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _to_number(value: Any) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def _template_keys(topic_key: str) -> list[str]:
    base = topic_key.removesuffix("_topic")
    keys = [f"{base}_template"]
    if base.endswith("_state"):
        keys.append(f"{base.removesuffix('_state')}_value_template")
    keys.append(f"{base}_value_template")
    if topic_key == "state_topic":
        keys.append("value_template")
    return keys


def _value(entity: Entity, topic_key: str, text: str) -> Any:
    """The payload after the template configured for this topic, if any."""
    for key in _template_keys(topic_key):
        template = entity.config.get(key)
        if isinstance(template, str) and template:
            return extract(template, text)
    return text


def _text_value(entity: Entity, topic_key: str, text: str) -> str | None:
    value = _value(entity, topic_key, text)
    return None if value is None else _as_text(value)


def _number_value(entity: Entity, topic_key: str, text: str) -> int | float | None:
    return _to_number(_value(entity, topic_key, text))


def _option(config: dict[str, Any], key: str, default: Any) -> Any:
    value = config.get(key)
    return default if value is None else value


def _scale(value: float, low: float, high: float) -> int | None:
    """A value between `low` and `high` (either order) as a 0-100 percentage."""
    if high == low:
        return None
    percent = (value - low) / (high - low) * 100
    return round(min(100.0, max(0.0, percent)))


def _position(config: dict[str, Any], value: float) -> int | None:
    return _scale(value, _option(config, "position_closed", 0), _option(config, "position_open", 100))


def _on_off(entity: Entity, value: str | None, on_key: str, off_key: str) -> Updates | None:
    """The on/off state from the state payloads (`state_on`, falling back to `payload_on`, ...)."""
    if value is None:
        return None
    config = entity.config
    payload_on = _option(config, "payload_on", "ON")
    payload_off = _option(config, "payload_off", "OFF")
    state_on = _option(config, on_key, payload_on) if on_key else payload_on
    state_off = _option(config, off_key, payload_off) if off_key else payload_off
    if value == state_on:
        return {"state": "on"}
    if value == state_off:
        return {"state": "off"}
    if value == "None":
        return {"state": None}
    return None


def _availability(entity: Entity, topic_key: str, text: str) -> Updates | None:
    config = entity.config
    if topic_key == "availability_topic":
        item = config
        template = config.get("availability_template")
    else:
        items = config.get("availability")
        index = topic_key.removeprefix("availability.")
        if not isinstance(items, list) or not index.isdigit() or int(index) >= len(items):
            return None
        item = items[int(index)]
        template = item.get("value_template")
    value = extract(template, text)
    if value is None:
        return None
    value = _as_text(value)
    if value == _option(item, "payload_available", _option(config, "payload_available", "online")):
        available = True
    elif value == _option(item, "payload_not_available", _option(config, "payload_not_available", "offline")):
        available = False
    else:
        return None
    per_topic = dict(entity.state.get("availability_by_topic") or {})
    per_topic[topic_key] = available
    mode = config.get("availability_mode", "latest")
    if mode == "all":
        expected = _availability_keys(config)
        overall = all(per_topic.get(key) is True for key in expected)
    elif mode == "any":
        overall = any(per_topic.values())
    else:
        overall = available
    return {"available": overall, "availability_by_topic": per_topic}


def _availability_keys(config: dict[str, Any]) -> list[str]:
    keys = ["availability_topic"] if "availability_topic" in config else []
    items = config.get("availability")
    if isinstance(items, list):
        keys.extend(f"availability.{index}" for index in range(len(items)))
    return keys


def _attributes(entity: Entity, text: str) -> Updates | None:
    template = entity.config.get("json_attributes_template")
    if template:
        value = extract(template, text)
        if isinstance(value, str):
            value = _json_object(value)
    else:
        value = _json_object(text)
    return {"attributes": value} if isinstance(value, dict) else None


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _number_pair(text: str | None, count: int) -> list[float | int] | None:
    if text is None:
        return None
    parts = [_to_number(part) for part in text.split(",")]
    if len(parts) != count or any(part is None for part in parts):
        return None
    return [part for part in parts if part is not None]


# --- platforms -----------------------------------------------------------------------------------


def _light(entity: Entity, topic_key: str, text: str) -> Updates | None:
    schema = entity.config.get("schema", "default")
    if schema == "json":
        return _light_json(entity, topic_key, text) if topic_key == "state_topic" else None
    if schema == "template":
        return _light_template(entity, topic_key, text) if topic_key == "state_topic" else None
    if topic_key == "state_topic":
        return _on_off(entity, _text_value(entity, topic_key, text), "", "")
    if topic_key == "brightness_state_topic":
        brightness = _number_value(entity, topic_key, text)
        return None if brightness is None else {"brightness": brightness}
    if topic_key == "color_temp_state_topic":
        color_temp = _number_value(entity, topic_key, text)
        return None if color_temp is None else {"color_temp": color_temp}
    if topic_key in ("rgb_state_topic", "hs_state_topic", "xy_state_topic"):
        attribute = topic_key.removesuffix("_state_topic")
        values = _number_pair(_text_value(entity, topic_key, text), 3 if attribute == "rgb" else 2)
        return None if values is None else {attribute: values}
    if topic_key in ("effect_state_topic", "color_mode_state_topic"):
        value = _text_value(entity, topic_key, text)
        return None if value is None else {topic_key.removesuffix("_state_topic"): value}
    return None


def _light_json(entity: Entity, topic_key: str, text: str) -> Updates | None:
    message = _json_object(text)
    if message is None:
        return None
    updates: Updates = {}
    state = message.get("state")
    if state in ("ON", "OFF"):
        updates["state"] = state.lower()
    brightness = _to_number(message.get("brightness"))
    if brightness is not None:
        updates["brightness"] = brightness
    color_temp = _to_number(message.get("color_temp"))
    if color_temp is not None:
        updates["color_temp"] = color_temp
    for key in ("color_mode", "effect"):
        if isinstance(message.get(key), str):
            updates[key] = message[key]
    color = message.get("color")
    if isinstance(color, dict):
        for attribute, parts in (("rgb", ("r", "g", "b")), ("hs", ("h", "s")), ("xy", ("x", "y"))):
            values = [_to_number(color.get(part)) for part in parts]
            if all(value is not None for value in values):
                updates[attribute] = values
    return updates or None


def _light_template(entity: Entity, topic_key: str, text: str) -> Updates | None:
    config = entity.config
    updates: Updates = {}
    state = extract(config.get("state_template"), text) if config.get("state_template") else None
    if state is not None and _as_text(state).lower() in ("on", "off"):
        updates["state"] = _as_text(state).lower()
    for attribute in ("brightness", "color_temp"):
        template_key = f"{attribute}_template"
        if config.get(template_key):
            number = _to_number(extract(config[template_key], text))
            if number is not None:
                updates[attribute] = number
    if all(config.get(f"{color}_template") for color in ("red", "green", "blue")):
        rgb = [_to_number(extract(config[f"{color}_template"], text)) for color in ("red", "green", "blue")]
        if all(value is not None for value in rgb):
            updates["rgb"] = rgb
    return updates or None


def _switch(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    return _on_off(entity, _text_value(entity, topic_key, text), "state_on", "state_off")


def _siren(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _value(entity, topic_key, text)
    message = _json_object(value) if isinstance(value, str) else None
    if message is not None and "state" in message:
        value = message["state"]
    return _on_off(entity, None if value is None else _as_text(value), "state_on", "state_off")


def _binary_sensor(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    return _on_off(entity, _text_value(entity, topic_key, text), "", "")


def _sensor(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _value(entity, topic_key, text)
    if value is None:
        return None
    number = _to_number(value)
    updates: Updates = {"state": number if number is not None else _as_text(value)}
    unit = entity.config.get("unit_of_measurement")
    if unit is not None:
        updates["unit"] = unit
    return updates


def _cover(entity: Entity, topic_key: str, text: str) -> Updates | None:
    config = entity.config
    if topic_key == "state_topic":
        value = _text_value(entity, topic_key, text)
        states = {
            _option(config, "state_open", "open"): "open",
            _option(config, "state_opening", "opening"): "opening",
            _option(config, "state_closed", "closed"): "closed",
            _option(config, "state_closing", "closing"): "closing",
        }
        if value in states:
            return {"state": states[value]}
        if value == _option(config, "state_stopped", "stopped"):
            position = entity.state.get("position")
            if position is not None:
                return {"state": "closed" if position == 0 else "open"}
            return {"state": "closed" if entity.state.get("state") == "closing" else "open"}
        if value == "None":
            return {"state": None}
        return None
    if topic_key == "position_topic":
        number = _number_value(entity, topic_key, text)
        if number is None:
            return None
        position = _position(config, number)
        if position is None:
            return None
        updates: Updates = {"position": position}
        if "state_topic" not in config:
            updates["state"] = "closed" if position == 0 else "open"
        return updates
    if topic_key == "tilt_status_topic":
        number = _number_value(entity, topic_key, text)
        if number is None:
            return None
        tilt = _scale(number, _option(config, "tilt_min", 0), _option(config, "tilt_max", 100))
        return None if tilt is None else {"tilt_position": tilt}
    return None


def _valve(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    config = entity.config
    value = _value(entity, topic_key, text)
    if value is None:
        return None
    message = _json_object(value) if isinstance(value, str) else None
    updates: Updates = {}
    raw_state: Any = value
    raw_position: Any = value if config.get("reports_position") else None
    if message is not None:
        raw_state = message.get("state")
        raw_position = message.get("position")
    if raw_position is not None and (number := _to_number(raw_position)) is not None:
        position = _position(config, number)
        if position is not None:
            updates["position"] = position
            updates["state"] = "closed" if position == 0 else "open"
    states = {
        _option(config, "state_open", "open"): "open",
        _option(config, "state_opening", "opening"): "opening",
        _option(config, "state_closed", "closed"): "closed",
        _option(config, "state_closing", "closing"): "closing",
    }
    if isinstance(raw_state, str) and raw_state in states:
        updates["state"] = states[raw_state]
    return updates or None


def _lock(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    config = entity.config
    value = _text_value(entity, topic_key, text)
    states = {
        _option(config, "state_locked", "LOCKED"): "locked",
        _option(config, "state_unlocked", "UNLOCKED"): "unlocked",
        _option(config, "state_locking", "LOCKING"): "locking",
        _option(config, "state_unlocking", "UNLOCKING"): "unlocking",
        _option(config, "state_jammed", "MOTOR_JAMMED"): "jammed",
        _option(config, "state_open", "OPEN"): "open",
        _option(config, "state_opening", "OPENING"): "opening",
    }
    return {"state": states[value]} if value in states else None


def _climate(entity: Entity, topic_key: str, text: str) -> Updates | None:
    numbers = {
        "current_temperature_topic": "current_temperature",
        "temperature_state_topic": "temperature",
        "temperature_low_state_topic": "target_temp_low",
        "temperature_high_state_topic": "target_temp_high",
        "current_humidity_topic": "current_humidity",
        "target_humidity_state_topic": "humidity",
    }
    texts = {
        "fan_mode_state_topic": "fan_mode",
        "preset_mode_state_topic": "preset_mode",
        "swing_mode_state_topic": "swing_mode",
        "action_topic": "hvac_action",
    }
    if topic_key in numbers:
        number = _number_value(entity, topic_key, text)
        return None if number is None else {numbers[topic_key]: number}
    if topic_key in texts:
        value = _text_value(entity, topic_key, text)
        return None if not value else {texts[topic_key]: value}
    if topic_key == "mode_state_topic":
        mode = _text_value(entity, topic_key, text)
        if mode not in _option(entity.config, "modes", _CLIMATE_MODES):
            return None
        return {"state": mode, "hvac_mode": mode}
    return None


def _water_heater(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key in ("current_temperature_topic", "temperature_state_topic"):
        number = _number_value(entity, topic_key, text)
        attribute = topic_key.removesuffix("_topic").removesuffix("_state")
        return None if number is None else {attribute: number}
    if topic_key == "mode_state_topic":
        mode = _text_value(entity, topic_key, text)
        return None if not mode else {"state": mode, "mode": mode}
    return None


def _fan(entity: Entity, topic_key: str, text: str) -> Updates | None:
    config = entity.config
    if topic_key == "state_topic":
        return _on_off(entity, _text_value(entity, topic_key, text), "", "")
    if topic_key == "percentage_state_topic":
        value = _text_value(entity, topic_key, text)
        if value == _option(config, "payload_reset_percentage", "None"):
            return {"percentage": None}
        number = _to_number(value)
        if number is None:
            return None
        low = _option(config, "speed_range_min", 1)
        high = _option(config, "speed_range_max", 100)
        if number <= 0:
            return {"percentage": 0}
        if high < low:
            return None
        # Home Assistant's ranged_value_to_percentage: speed n of low..high, rounded down.
        percentage = int((number - low + 1) * 100 // (high - low + 1))
        return {"percentage": min(100, max(0, percentage))}
    if topic_key == "preset_mode_state_topic":
        value = _text_value(entity, topic_key, text)
        if value == _option(config, "payload_reset_preset_mode", "None"):
            return {"preset_mode": None}
        return None if not value else {"preset_mode": value}
    if topic_key == "oscillation_state_topic":
        value = _text_value(entity, topic_key, text)
        if value == _option(config, "payload_oscillation_on", "oscillate_on"):
            return {"oscillating": True}
        if value == _option(config, "payload_oscillation_off", "oscillate_off"):
            return {"oscillating": False}
        return None
    if topic_key == "direction_state_topic":
        value = _text_value(entity, topic_key, text)
        return None if not value else {"direction": value}
    return None


def _humidifier(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key == "state_topic":
        return _on_off(entity, _text_value(entity, topic_key, text), "", "")
    if topic_key in ("target_humidity_state_topic", "current_humidity_topic"):
        number = _number_value(entity, topic_key, text)
        attribute = "humidity" if topic_key == "target_humidity_state_topic" else "current_humidity"
        return None if number is None else {attribute: number}
    if topic_key in ("mode_state_topic", "action_topic"):
        value = _text_value(entity, topic_key, text)
        return None if not value else {"mode" if topic_key == "mode_state_topic" else "action": value}
    return None


def _select(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _text_value(entity, topic_key, text)
    return {"state": value} if value in (entity.config.get("options") or []) else None


def _number(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _value(entity, topic_key, text)
    if value is None:
        return None
    if _as_text(value) == _option(entity.config, "payload_reset", "None"):
        return {"state": None}
    number = _to_number(value)
    return None if number is None else {"state": number}


def _text(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _text_value(entity, topic_key, text)
    return None if value is None else {"state": value}


def _vacuum(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    message = _json_object(text)
    if message is None:
        return None
    updates: Updates = {}
    if message.get("state") in _VACUUM_STATES:
        updates["state"] = message["state"]
    battery = _to_number(message.get("battery_level"))
    if battery is not None:
        updates["battery_level"] = battery
    if isinstance(message.get("fan_speed"), str):
        updates["fan_speed"] = message["fan_speed"]
    return updates or None


def _alarm(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "state_topic":
        return None
    value = _text_value(entity, topic_key, text)
    return {"state": value} if value in _ALARM_STATES else None


def _lawn_mower(entity: Entity, topic_key: str, text: str) -> Updates | None:
    if topic_key != "activity_state_topic":
        return None
    value = _text_value(entity, topic_key, text)
    return {"state": value} if value in _MOWER_STATES else None


_HANDLERS: dict[str, Callable[[Entity, str, str], Updates | None]] = {
    "alarm_control_panel": _alarm,
    "binary_sensor": _binary_sensor,
    "climate": _climate,
    "cover": _cover,
    "fan": _fan,
    "humidifier": _humidifier,
    "lawn_mower": _lawn_mower,
    "light": _light,
    "lock": _lock,
    "number": _number,
    "select": _select,
    "sensor": _sensor,
    "siren": _siren,
    "switch": _switch,
    "text": _text,
    "vacuum": _vacuum,
    "valve": _valve,
    "water_heater": _water_heater,
}


ASSUMED_COMPONENTS = frozenset({"light", "switch", "fan", "climate", "number", "select", "humidifier", "water_heater"})
"""Platforms whose command payloads read as their state payloads (ON/OFF, brightness numbers, a
light's JSON, a temperature, an option): what was sent can stand for the state until the device
reports. A cover's position is assumed too (open is 100, close is 0). Locks, vacuums and valves
report states of their own ("LOCKED", "docked") and are never assumed."""


def assume_commanded(entity: Entity, topic: str, payload: str) -> bool:
    """Take a command just sent to `entity` as its new state, as Home Assistant's optimistic mode
    does, so that "a bit brighter" after "set the kitchen light to 50 percent" starts from 50 even
    before (or without) the device's own report; the report, when it comes, has the last word.
    Returns whether the state changed."""
    if entity.component == "cover":
        return _assume_cover(entity, topic, payload)
    if entity.component not in ASSUMED_COMPONENTS:
        return False
    # The state topics' value templates read the device's report ("{{ value_json.Dimmer }}" of
    # Tasmota's tele/STATE), not the bare value that was sent: read the sent value without them.
    as_sent = dataclasses.replace(
        entity, config={k: v for k, v in entity.config.items() if not k.endswith("template") and k != "val_tpl"}
    )
    changed = False
    for key, value in entity.config.items():
        if value == topic and key.endswith("command_topic"):
            state_key = key.removesuffix("command_topic") + "state_topic"
            changed |= apply_state(as_sent, state_key, payload.encode("utf-8"))
    if entity.component == "light" and topic == entity.config.get("brightness_command_topic"):
        # A light told a brightness is on (Tasmota's Dimmer switches it on; so does Home Assistant's
        # optimistic light), so "a bit brighter" goes on from there.
        level = entity.state.get("brightness")
        if isinstance(level, int | float) and level > 0 and entity.state.get("state") != "on":
            entity.state["state"] = "on"
            changed = True
    return changed


def _assume_cover(entity: Entity, topic: str, payload: str) -> bool:
    """A cover sent to a position, or fully opened or closed, is taken to be there."""
    config = entity.config
    before = dict(entity.state)
    sent = _to_number(payload) if topic == config.get("set_position_topic") else None
    if sent is not None and not config.get("set_position_template"):
        # The number sent, as the position it reports: not through position_template, which reads
        # the device's own state message (Zigbee2MQTT's {"position": 50}).
        position = _position(config, sent)
        if position is not None:
            entity.state["position"] = position
    elif topic == config.get("set_position_topic"):
        apply_state(entity, "position_topic", payload.encode("utf-8"))
    elif topic == config.get("command_topic") and payload == str(config.get("payload_open", "OPEN")):
        entity.state["position"] = 100
    elif topic == config.get("command_topic") and payload == str(config.get("payload_close", "CLOSE")):
        entity.state["position"] = 0
    else:
        return False
    if isinstance(entity.state.get("position"), int | float):
        entity.state["state"] = "closed" if entity.state["position"] == 0 else "open"
    return entity.state != before
