"""Intents -> the exact MQTT messages Home Assistant would publish, and answers from known state.

Each Home Assistant MQTT platform has its own conventions: payload keys and their defaults,
scales (`brightness_scale`, `position_open`, `speed_range_max`...), the JSON light schema, command
templates. `build_actions` follows them the way HA's MQTT integration does when its service is
called (light.turn_on, cover.set_cover_position, climate.set_temperature...), reading only
`entity.config` (the expanded discovery payload) and `entity.state`. Numbers are clamped to the
device's range; anything the device cannot do raises `ActionError` with a sentence to speak.

Templates are never evaluated: a command template is honoured only when it is a literal or plain
`{{ variable }}` substitutions (optionally `| int`, `| float`, `| string`, `| lower`, `| upper`,
`| trim`), which covers the common forms; anything else is refused with an `ActionError`.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from assistant.nlu import colors
from assistant.nlu.catalogue import INTENTS
from assistant.nlu.types import Action, ActionError, Intent
from assistant.registry import Entity, normalize_name

_LOGGER = logging.getLogger(__name__)

DEFAULT_HVAC_MODES = ["auto", "off", "cool", "heat", "dry", "fan_only"]
DEFAULT_FAN_MODES = ["auto", "low", "medium", "high"]
DEFAULT_SWING_MODES = ["on", "off"]
DEFAULT_WATER_HEATER_MODES = ["off", "eco", "electric", "gas", "heat_pump", "high_demand", "performance"]
DEFAULT_VACUUM_FEATURES = ["start", "stop", "return_home", "status", "battery", "clean_spot"]
ALARM_ARM_MODES = ("home", "away", "night", "vacation", "custom_bypass")
DEFAULT_MIN_KELVIN = 2000
DEFAULT_MAX_KELVIN = 6535
_REMOTE_CODES = ("REMOTE_CODE", "REMOTE_CODE_TEXT")
_COLOR_MODES = frozenset({"hs", "rgb", "rgbw", "rgbww", "xy"})
_BRIGHTNESS_MODES = _COLOR_MODES | {"brightness", "color_temp", "white"}
_ON_OFF = ("light", "switch", "fan", "siren", "humidifier")


# --- names -------------------------------------------------------------------------------------


def casual(text: str) -> str:
    """'Living Room Lamp' -> 'living room lamp' for mid-sentence use; 'TV', 'iPad' stay as they are."""
    return " ".join(
        word.lower() if len(word) > 1 and word[0].isupper() and word[1:].islower() else word for word in text.split()
    )


_ROBOT_KIND_WORDS = frozenset({"vacuum", "robot", "hoover", "roomba", "mower", "cleaner", "robovac", "vac"})


def spoken_name(entity: Entity) -> str:
    """The entity's name as used inside a sentence: 'the kitchen light'."""
    name = casual((entity.name.strip() or entity.object_id).replace("_", " "))
    if entity.component in ("vacuum", "lawn_mower") and re.fullmatch(r"[A-Z][a-z]+", entity.name.strip()) and (
        name.lower() not in _ROBOT_KIND_WORDS
    ):
        return entity.name.strip()  # a robot called by its own name: "Robbie is docked"
    if name.lower().startswith(("the ", "my ")):
        return name
    return f"the {name}"


def sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def speak_number(value: float) -> str:
    """21.0 -> '21', 19.5 -> '19.5', 0.25 -> '0.25'."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


# --- slots -------------------------------------------------------------------------------------

_NUMBER = re.compile(r"\s*([+-]?\d+(?:[.,]\d+)?)\s*(?:%|percent|degrees?|°[cf]?|k|kelvin)?\s*", re.IGNORECASE)


def as_number(value: Any) -> float | None:
    """A slot value as a number: 30, 30.5, '30', '30%', '21,5 degrees'; None if it is not one."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    match = _NUMBER.fullmatch(str(value))
    return float(match.group(1).replace(",", ".")) if match else None


def _slot_number(intent: Intent, key: str, what: str) -> float:
    number = as_number(intent.slots.get(key))
    if number is None:
        raise ActionError(f"I didn't catch the {what}.")
    return number


def _slot_text(intent: Intent, key: str, what: str) -> str:
    value = intent.slots.get(key)
    if value is None or not str(value).strip():
        raise ActionError(f"I didn't catch the {what}.")
    return str(value).strip()


def truthy(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "yes", "1")


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


# --- templates ---------------------------------------------------------------------------------

_EXPRESSION = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_SIMPLE_EXPRESSION = re.compile(r"\s*([A-Za-z_]\w*)\s*(?:\|\s*(int|float|string|lower|upper|trim)\s*)?")


def _apply_filter(value: Any, name: str | None) -> str:
    if name is None or name == "string":
        return str(value)
    if name == "int":
        try:
            return str(int(float(value)))
        except (TypeError, ValueError):
            return "0"
    if name == "float":
        try:
            return str(float(value))
        except (TypeError, ValueError):
            return "0.0"
    text = str(value)
    return {"lower": text.lower, "upper": text.upper, "trim": text.strip}[name]()


def render_template(template: str, variables: dict[str, Any]) -> str | None:
    """Render a literal or plain-substitution Jinja template; None when it needs real Jinja."""
    if "{%" in template or "{#" in template:
        return None
    parts: list[str] = []
    position = 0
    for match in _EXPRESSION.finditer(template):
        literal = template[position : match.start()]
        expression = _SIMPLE_EXPRESSION.fullmatch(match.group(1))
        if "{{" in literal or "}}" in literal or expression is None:
            return None
        name, filter_name = expression.group(1), expression.group(2)
        if name not in variables:
            return None
        parts.extend((literal, _apply_filter(variables[name], filter_name)))
        position = match.end()
    tail = template[position:]
    if "{{" in tail or "}}" in tail:
        return None
    parts.append(tail)
    return "".join(parts)


def _payload(entity: Entity, template_key: str | None, value: Any, **variables: Any) -> str:
    """The payload HA publishes for `value`: the rendered command template, else str(value)."""
    template = entity.config.get(template_key) if template_key else None
    if template is None or template == "":
        return str(value)
    rendered = render_template(str(template), {"value": value, **variables})
    if rendered is None:
        key = (template_key or "").replace("_", " ")
        raise ActionError(f"I can't drive {spoken_name(entity)}: its {key} is not supported.")
    return rendered


def _publish(entity: Entity, topic_key: str, payload: str) -> Action:
    topic = entity.config.get(topic_key)
    if not isinstance(topic, str) or not topic:
        raise ActionError(f"{sentence(spoken_name(entity))} has no {topic_key.replace('_', ' ')}.")
    return Action(topic, payload, entity.entity_id, bool(entity.config.get("retain", False)))


def _send(entity: Entity, topic_key: str, template_key: str, value: Any, **variables: Any) -> Action:
    return _publish(entity, topic_key, _payload(entity, template_key, value, **variables))


def _json(message: dict[str, Any]) -> str:
    """Compact JSON like HA's orjson-based json_dumps."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def _percentage_to_ranged(low: int, high: int, percentage: float) -> float:
    """homeassistant.util.percentage.percentage_to_ranged_value."""
    return (high - low + 1) * percentage / 100 + (low - 1)


def _decimals(step: float) -> int:
    return max(0, -int(Decimal(str(step)).normalize().as_tuple().exponent))


def _fit(value: float, low: float, high: float, step: float, base: float = 0.0) -> float:
    """Clamp to [low, high] and round half-up onto the grid base + k*step, staying in range."""
    if step <= 0:
        return _clamp(value, low, high)
    digits = _decimals(step) + _decimals(base)
    fitted = round(base + math.floor((_clamp(value, low, high) - base) / step + 0.5) * step, digits)
    if fitted > high + 1e-9:
        fitted = round(fitted - step, digits)
    if fitted < low - 1e-9:
        fitted = round(fitted + step, digits)
    return fitted


def _config_number(entity: Entity, key: str, default: float) -> float:
    number = as_number(entity.config.get(key))
    return default if number is None else number


def _match_option(spoken: str, options: Iterable[Any]) -> str | None:
    """The option exactly as listed whose normalized form equals the spoken one."""
    wanted = normalize_name(spoken)
    for option in options:
        if normalize_name(str(option)) == wanted:
            return str(option)
    return None


def list_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


# --- state -------------------------------------------------------------------------------------

_STATE_KEYS: dict[str, dict[str, tuple[str, str]]] = {
    # component -> HA state -> (config key naming the device's payload, its default)
    "lock": {
        "locked": ("state_locked", "LOCKED"),
        "unlocked": ("state_unlocked", "UNLOCKED"),
        "locking": ("state_locking", "LOCKING"),
        "unlocking": ("state_unlocking", "UNLOCKING"),
        "jammed": ("state_jammed", "JAMMED"),
        "open": ("state_open", "OPEN"),
        "opening": ("state_opening", "OPENING"),
    },
    "cover": {
        "open": ("state_open", "open"),
        "closed": ("state_closed", "closed"),
        "opening": ("state_opening", "opening"),
        "closing": ("state_closing", "closing"),
        "stopped": ("state_stopped", "stopped"),
    },
    "valve": {
        "open": ("state_open", "open"),
        "closed": ("state_closed", "closed"),
        "opening": ("state_opening", "opening"),
        "closing": ("state_closing", "closing"),
    },
}


def main_state(entity: Entity) -> str | None:
    """The entity's main state in Home Assistant's words ("on", "locked", "heat"...), lower case.

    The state may hold the device's raw payload ("ON", "LOCKED", a custom `state_on`) or HA's
    word; both are mapped through the discovery config.
    """
    raw = entity.state.get("state")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        return "on" if raw else "off"
    text = str(raw).strip()
    config = entity.config
    if entity.component in _ON_OFF or entity.component == "binary_sensor":
        on_values = {config.get("state_on"), config.get("payload_on", "ON")}
        off_values = {config.get("state_off"), config.get("payload_off", "OFF")}
        if text in on_values:
            return "on"
        if text in off_values:
            return "off"
    for word, (key, default) in _STATE_KEYS.get(entity.component, {}).items():
        if text == config.get(key, default):
            return word
    return text.lower()


def is_on(entity: Entity) -> bool | None:
    """Whether an on/off-like entity is on; None when unknown."""
    state = main_state(entity)
    if state is None:
        return None
    if entity.component in ("climate", "water_heater"):
        return state != "off"
    if entity.component in ("cover", "valve"):
        return state not in ("closed", "closing")
    if state in ("on", "off"):
        return state == "on"
    return None


def _state_number(entity: Entity, key: str) -> float | None:
    return as_number(entity.state.get(key))


# --- dispatch ----------------------------------------------------------------------------------


def build_actions(intent: Intent) -> list[Action]:
    """The MQTT messages that carry out `intent` on its targets, in target order.

    Intents that only ask (questions, timers) give no messages. A target that cannot do what
    was asked is skipped when others can; when none can, its `ActionError` is raised.
    "Another colour" becomes, in `intent.slots`, the one colour all the lights take and the reply
    names.
    """
    spec = INTENTS.get(intent.name)
    if spec is None:
        raise ActionError("I can't do that yet.")
    if not spec.changes_devices:
        return []
    builder = _BUILDERS.get(intent.name)
    if builder is None:
        raise ActionError("I can't do that yet.")
    if not intent.targets:
        raise ActionError("I don't know which device you mean.")
    if intent.slots.get("color") == ANOTHER_COLOR:
        intent.slots["color"] = _another_color(intent.targets[0])
    targets = intent.targets
    if intent.name == "HassLightSetRelative" and len(targets) > 1:
        # "A bit brighter" in a kitchen with the worktop strip on: the lights that are on, not the
        # ceiling light and plinth that are off.
        targets = [e for e in targets if is_on(e)] or targets
    actions: list[Action] = []
    errors: list[ActionError] = []
    for entity in targets:
        try:
            if entity.state.get("available") is False:
                raise ActionError(f"{sentence(spoken_name(entity))} is unavailable right now.")
            actions.extend(builder(entity, intent))
        except ActionError as err:
            _LOGGER.info("%s on %s: %s", intent.name, entity.entity_id, err)
            errors.append(err)
    if not actions:
        raise errors[0] if errors else ActionError("There was nothing to do.")
    return actions


def _cannot(entity: Entity, what: str) -> ActionError:
    return ActionError(f"{sentence(spoken_name(entity))} can't {what}.")


# --- on / off ----------------------------------------------------------------------------------


def _turn_on(entity: Entity, intent: Intent) -> list[Action]:
    return _switch(entity, intent, on=True)


def _turn_off(entity: Entity, intent: Intent) -> list[Action]:
    return _switch(entity, intent, on=False)


def _toggle(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component not in (*_ON_OFF, "cover", "valve", "climate", "water_heater"):
        raise _cannot(entity, "be toggled")
    state = is_on(entity)
    if state is None:
        raise ActionError(f"I don't know whether {spoken_name(entity)} is on or off.")
    return _switch(entity, intent, on=not state)


def _switch(entity: Entity, intent: Intent, on: bool) -> list[Action]:
    component = entity.component
    config = entity.config
    if component == "light":
        return _light_on(entity, {}) if on else _light_off(entity)
    if component in ("switch", "fan", "humidifier"):
        payload = config.get("payload_on", "ON") if on else config.get("payload_off", "OFF")
        return [_send(entity, "command_topic", "command_template", payload)]
    if component == "siren":
        return [_siren(entity, on)]
    if component == "climate":
        return _climate_power(entity, on)
    if component == "water_heater":
        return _water_heater_power(entity, on)
    if component == "cover":
        return _cover_open(entity) if on else _cover_close(entity)
    if component == "valve":
        return _valve_position(entity, 100 if on else 0)
    if component == "lock":
        if truthy(intent.slots.get("open")):
            return [_lock(entity, "open")]
        return [_lock(entity, "lock" if on else "unlock")]
    if component == "scene":
        if not on:
            raise ActionError(f"{sentence(spoken_name(entity))} is a scene; it can only be activated.")
        return [_publish(entity, "command_topic", str(config.get("payload_on", "ON")))]
    if component == "button":
        if not on:
            raise _cannot(entity, "be turned off, only pressed")
        return [_press(entity)]
    if component == "vacuum":
        return [_vacuum(entity, "start" if on else "return_home")]
    if component == "lawn_mower":
        return [_lawn_mower(entity, "start_mowing" if on else "dock")]
    if component == "alarm_control_panel":
        raise ActionError(f"Say arm or disarm for {spoken_name(entity)}.")
    if component == "select":
        return [_send(entity, "command_topic", "command_template", _select_power_option(entity, on))]
    raise _cannot(entity, "be turned on or off")


def _select_power_option(entity: Entity, on: bool) -> str:
    """On and off for a select that has an "off" option (seat heating: off, low, medium, high).

    Off is that option. On is an "on" option if there is one; else the level it is already at, or
    from off its last (strongest) option, as a car's seat-heating button does on the first press.
    """
    options = [str(option) for option in entity.config.get("options") or []]
    off = next((o for o in options if normalize_name(o) == "off"), None)
    if off is None:
        raise _cannot(entity, "be turned on or off")
    if not on:
        return off
    levels = [o for o in options if o != off]
    if not levels:
        raise _cannot(entity, "be turned on")
    current = str(entity.state.get("state", ""))
    named_on = next((o for o in levels if normalize_name(o) == "on"), None)
    return named_on or (current if current in levels else levels[-1])


def _siren(entity: Entity, on: bool) -> Action:
    config = entity.config
    value = config.get("payload_on", "ON") if on else config.get("payload_off", "OFF")
    template_key = "command_template" if on else "command_off_template"
    if not on and not config.get("command_off_template"):
        template_key = "command_template"
    if config.get(template_key):
        payload = _payload(entity, template_key, value, state=value)
    else:
        payload = _json({"state": value})
    return _publish(entity, "command_topic", payload)


def _lock(entity: Entity, command: str) -> Action:
    config = entity.config
    if config.get("code_format"):
        raise ActionError(f"{sentence(spoken_name(entity))} needs a code, so I can't do that by voice.")
    if command == "open" and config.get("payload_open") is None:
        raise ActionError(f"{sentence(spoken_name(entity))} can only be locked or unlocked.")
    defaults = {"lock": "LOCK", "unlock": "UNLOCK", "open": "OPEN"}
    payload = config.get(f"payload_{command}", defaults[command])
    return _send(entity, "command_topic", "command_template", payload, code=None)


def _press(entity: Entity) -> Action:
    payload = entity.config.get("payload_press", "PRESS")
    return _send(entity, "command_topic", "command_template", payload)


def _vacuum(entity: Entity, feature: str) -> Action:
    features = entity.config.get("supported_features", DEFAULT_VACUUM_FEATURES)
    if feature not in features:
        raise _cannot(entity, _VACUUM_ABILITIES[feature][1])
    payload_key, _, default = _VACUUM_ABILITIES[feature]
    return _publish(entity, "command_topic", str(entity.config.get(payload_key, default)))


_VACUUM_ABILITIES: dict[str, tuple[str, str, str]] = {
    "start": ("payload_start", "start", "start"),
    "return_home": ("payload_return_to_base", "go back to its base", "return_to_base"),
    "pause": ("payload_pause", "pause", "pause"),
    "stop": ("payload_stop", "stop", "stop"),
    "locate": ("payload_locate", "beep", "locate"),
}
"""Supported feature -> the payload key, what it is in words, Home Assistant's default payload."""


def _lawn_mower(entity: Entity, command: str) -> Action:
    topic_key = f"{command}_command_topic"
    if not entity.config.get(topic_key):
        raise _cannot(entity, "start mowing" if command == "start_mowing" else "dock")
    return _send(entity, topic_key, f"{command}_command_template", command)


# --- lights ------------------------------------------------------------------------------------


def _light_schema(entity: Entity) -> str:
    schema = str(entity.config.get("schema", "default")).lower()
    return "default" if schema == "basic" else schema


def light_color_modes(entity: Entity) -> set[str]:
    """Supported colour modes, derived like HA's MQTT light for each schema."""
    config = entity.config
    schema = _light_schema(entity)
    if schema == "json":
        modes = config.get("supported_color_modes")
        if modes:
            return {str(mode) for mode in modes}
        return {"brightness"} if config.get("brightness") else {"onoff"}
    if schema == "template":
        modes = set()
        if config.get("brightness_template"):
            modes.add("brightness")
        if config.get("color_temp_template"):
            modes.add("color_temp")
        if all(config.get(f"{c}_template") for c in ("red", "green", "blue")):
            modes.add("hs")
        return modes or {"onoff"}
    topics = {
        "color_temp": "color_temp_command_topic",
        "hs": "hs_command_topic",
        "rgb": "rgb_command_topic",
        "rgbw": "rgbw_command_topic",
        "rgbww": "rgbww_command_topic",
        "white": "white_command_topic",
        "xy": "xy_command_topic",
    }
    modes = {mode for mode, key in topics.items() if config.get(key)}
    if not modes:
        modes = {"brightness"} if config.get("brightness_command_topic") else {"onoff"}
    return modes


def _kelvin_range(entity: Entity) -> tuple[int, int]:
    config = entity.config
    max_mireds = as_number(config.get("max_mireds"))
    min_mireds = as_number(config.get("min_mireds"))
    low = (
        colors.mired_to_kelvin(max_mireds)
        if max_mireds
        else int(_config_number(entity, "min_kelvin", DEFAULT_MIN_KELVIN))
    )
    high = (
        colors.mired_to_kelvin(min_mireds)
        if min_mireds
        else int(_config_number(entity, "max_kelvin", DEFAULT_MAX_KELVIN))
    )
    return low, high


def _brightness_scale(entity: Entity) -> int:
    return int(_config_number(entity, "brightness_scale", 255)) or 255


def _state_rgb(entity: Entity) -> tuple[int, ...] | None:
    raw = entity.state.get("rgb") or entity.state.get("rgb_color")
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list | tuple) or len(raw) != 3:
        return None
    numbers = [as_number(channel) for channel in raw]
    if any(n is None for n in numbers):
        return None
    return tuple(int(n) for n in numbers)  # type: ignore[arg-type]


def ha_brightness(entity: Entity) -> int | None:
    """The light's brightness on HA's 0-255 scale, from the device-scale state; None if unknown."""
    device = _state_number(entity, "brightness")
    if device is not None and device > 0:
        return int(_clamp(round(device / _brightness_scale(entity) * 255), 1, 255))
    rgb = _state_rgb(entity)
    if rgb and _light_schema(entity) == "default" and not entity.config.get("brightness_state_topic") and max(rgb) > 0:
        return max(rgb)
    return None


def _pct_to_brightness(percent: float) -> int:
    """light.turn_on's brightness_pct -> brightness (0-255)."""
    return round(255 * _clamp(percent, 0, 100) / 100)


def light_percent(entity: Entity, intent: Intent) -> int:
    """The brightness in percent the light ends at for HassLightSet / HassLightSetRelative."""
    if intent.name == "HassLightSet":
        return round(_clamp(_slot_number(intent, "brightness", "brightness"), 0, 100))
    step = _slot_number(intent, "brightness_step", "brightness change")
    state = is_on(entity)
    current = ha_brightness(entity)
    if state is False or (state is None and current is None and step > 0):
        if step <= 0:
            raise ActionError(f"{sentence(spoken_name(entity))} is already off.")
        current_pct = 0.0
    elif current is None:
        raise ActionError(f"I don't know how bright {spoken_name(entity)} is yet.")
    else:
        current_pct = current * 100 / 255
    return round(_clamp(current_pct + step, 1, 100))


def _light_set(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "light":
        raise ActionError(f"{sentence(spoken_name(entity))} isn't a light.")
    slots = intent.slots
    params: dict[str, Any] = {}
    if slots.get("brightness") is not None:
        percent = light_percent(entity, intent)
        if percent == 0:
            return _light_off(entity)
        params["brightness"] = _pct_to_brightness(percent)
    rgb = kelvin = None
    if slots.get("color"):
        kelvin = colors.color_name_to_kelvin(str(slots["color"]))
        rgb = None if kelvin else colors.color_name_to_rgb(str(slots["color"]))
        if rgb is None and kelvin is None:
            raise ActionError(f"I don't know the colour {slots['color']}.")
    if slots.get("temperature") is not None:
        kelvin = round(_slot_number(intent, "temperature", "colour temperature"))
        if kelvin <= 0:
            raise ActionError("I didn't catch the colour temperature.")
    if slots.get("effect"):
        params["effect"] = light_effect(entity, str(slots["effect"]))
    if not params and rgb is None and kelvin is None:
        raise ActionError("Tell me a brightness, a colour or a colour temperature.")
    return _light_on(entity, params, rgb, kelvin)


def light_effect(entity: Entity, spoken: str) -> str:
    """The effect of the light's `effect_list`, exactly as listed, that `spoken` names."""
    listed = entity.config.get("effect_list") or []
    effect = _match_option(spoken, listed) or _match_option(re.sub(r"\bcolour\b", "color", spoken), listed)
    if effect is None:
        if not listed:
            raise _cannot(entity, "show effects")
        raise ActionError(f"{sentence(spoken_name(entity))} has no {normalize_name(spoken)} effect.")
    if _light_schema(entity) == "default" and not entity.config.get("effect_command_topic"):
        raise _cannot(entity, "show effects")
    return effect


ANOTHER_COLOR = "another colour"
"""The `color` slot of "change the colour of the lights", "a different colour", "a random colour"."""

_PALETTE = ("red", "orange", "yellow", "green", "cyan", "blue", "purple", "pink")


def _palette_hue(name: str) -> float:
    return colors.rgb_to_hs(*(colors.color_name_to_rgb(name) or (0, 0, 0)))[0]


def _pair(value: Any, size: int) -> list[float] | None:
    if not isinstance(value, list | tuple) or len(value) != size:
        return None
    numbers = [as_number(v) for v in value]
    return None if any(n is None for n in numbers) else [float(n) for n in numbers]  # type: ignore[arg-type]


def _present_hue(entity: Entity) -> float | None:
    """The hue (0-360) the light shows, from its state; None if it is white or nobody said."""
    hs, rgb, xy = _pair(entity.state.get("hs"), 2), _pair(entity.state.get("rgb"), 3), _pair(entity.state.get("xy"), 2)
    if hs is None and rgb is not None:
        hs = list(colors.rgb_to_hs(*rgb))
    if hs is not None:
        return hs[0] if hs[1] >= 20 else None
    if xy is not None:
        shown = [colors.rgb_to_xy(*(colors.color_name_to_rgb(name) or (0, 0, 0))) for name in _PALETTE]
        distances = [math.dist(xy, point) for point in shown]
        return _palette_hue(_PALETTE[distances.index(min(distances))])
    return None


def _another_color(entity: Entity) -> str:
    """The colour after the light's present one in a round of saturated colours (red if it is
    white or its colour is unknown), so each "another colour" shows a new one."""
    hue = _present_hue(entity)
    if hue is None:
        return _PALETTE[0]
    distances = [min(abs(hue - _palette_hue(name)), 360 - abs(hue - _palette_hue(name))) for name in _PALETTE]
    return _PALETTE[(distances.index(min(distances)) + 1) % len(_PALETTE)]


_TOO_DARK = re.compile(r"\b(?:too dark|so dark|very dark|can'?t see|hard to see|dark in here)\b", re.IGNORECASE)


def dimmable(entity: Entity) -> bool:
    return bool(light_color_modes(entity) & _BRIGHTNESS_MODES)


def _light_set_relative(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "light":
        raise ActionError(f"{sentence(spoken_name(entity))} isn't a light.")
    brighter = float(intent.slots.get("brightness_step") or 0) > 0
    off = entity.state.get("state") != "on"
    if brighter and off and (not dimmable(entity) or _TOO_DARK.search(intent.text)):
        # "It's too dark in here" with the light off: it goes on, at its own brightness. "A bit
        # brighter" steps up from off, as Home Assistant's brightness_step_pct does.
        return _light_on(entity, {})
    return _light_on(entity, {"brightness": _pct_to_brightness(light_percent(entity, intent))})


def _convert_color(
    entity: Entity, modes: set[str], rgb: tuple[int, ...] | None, kelvin: int | None, brightness: int | None
) -> dict[str, Any]:
    """HA's light service conversion of a colour or colour temperature to what the light takes."""
    low, high = _kelvin_range(entity)
    if kelvin is not None:
        if "color_temp" in modes:
            return {"color_temp_kelvin": int(_clamp(kelvin, low, high))}
        if "rgbww" in modes:
            level = brightness if brightness is not None else (ha_brightness(entity) or 255)
            return {"rgbww": colors.temperature_to_rgbww(kelvin, level, low, high)}
        if not modes & _COLOR_MODES:
            raise _cannot(entity, "change its colour temperature")
        return _from_hs(modes, colors.temperature_to_hs(kelvin), low, high)
    if rgb is not None:
        if rgb == (255, 255, 255) and "color_temp" in modes and not modes & _COLOR_MODES:
            # White on a white-only light: HA converts via xy to a colour temperature.
            white = colors.xy_to_temperature(*colors.rgb_to_xy(*rgb))
            return _convert_color(entity, modes, None, white, brightness)
        if "rgb" in modes:
            return {"rgb": rgb}
        if "rgbw" in modes:
            return {"rgbw": colors.rgb_to_rgbw(*rgb)}
        if "rgbww" in modes:
            return {"rgbww": colors.rgb_to_rgbww(*rgb, low, high)}
        if "hs" in modes:
            return {"hs": colors.rgb_to_hs(*rgb)}
        if "xy" in modes:
            return {"xy": colors.rgb_to_xy(*rgb)}
        raise _cannot(entity, "change colour")
    return {}


def _from_hs(modes: set[str], hs: tuple[float, float], low: int, high: int) -> dict[str, Any]:
    if "hs" in modes:
        return {"hs": hs}
    rgb = colors.hs_to_rgb(*hs)
    if "rgb" in modes:
        return {"rgb": rgb}
    if "rgbw" in modes:
        return {"rgbw": colors.rgb_to_rgbw(*rgb)}
    if "rgbww" in modes:
        return {"rgbww": colors.rgb_to_rgbww(*rgb, low, high)}
    return {"xy": colors.rgb_to_xy(*rgb)}


def _light_on(
    entity: Entity,
    params: dict[str, Any],
    rgb: tuple[int, ...] | None = None,
    kelvin: int | None = None,
) -> list[Action]:
    modes = light_color_modes(entity)
    if "brightness" in params and not modes & _BRIGHTNESS_MODES:
        raise _cannot(entity, "be dimmed")
    params = {**params, **_convert_color(entity, modes, rgb, kelvin, params.get("brightness"))}
    schema = _light_schema(entity)
    if schema == "json":
        return [_light_json_on(entity, modes, params)]
    if schema == "template":
        return [_light_template_on(entity, params)]
    return _light_default_on(entity, params)


def _light_off(entity: Entity) -> list[Action]:
    schema = _light_schema(entity)
    if schema == "json":
        return [_publish(entity, "command_topic", _json({"state": "OFF"}))]
    if schema == "template":
        return [_publish(entity, "command_topic", _template_light(entity, "command_off_template", "off"))]
    return [_publish(entity, "command_topic", str(entity.config.get("payload_off", "OFF")))]


def _light_default_on(entity: Entity, params: dict[str, Any]) -> list[Action]:
    """schema_basic.async_turn_on: one message per topic, ON first or last per on_command_type."""
    config = entity.config
    on_type = str(config.get("on_command_type", "last"))
    payload_on = str(config.get("payload_on", "ON"))
    actions: list[Action] = []
    if on_type == "first":
        actions.append(_publish(entity, "command_topic", payload_on))
    elif on_type == "brightness" and "brightness" not in params:
        params["brightness"] = ha_brightness(entity) or 255
    brightness_topic = config.get("brightness_command_topic")

    def scale(color: tuple[int, ...], level: int | None = None) -> tuple[int, ...]:
        if level is None:
            level = 255 if brightness_topic else (params.get("brightness") or ha_brightness(entity) or 255)
        return tuple(int(channel * level / 255) for channel in color)

    def rgbx(color: tuple[int, ...], key: str, names: tuple[str, ...]) -> Action:
        variables = dict(zip(names, color, strict=True))
        payload = _payload(entity, f"{key}_command_template", ",".join(str(c) for c in color), **variables)
        return _publish(entity, f"{key}_command_topic", payload)

    rgb_names = ("red", "green", "blue")
    if "hs" in params and config.get("hs_command_topic"):
        hue, sat = params["hs"]
        payload = _payload(entity, "hs_command_template", f"{hue},{sat}", hue=hue, sat=sat)
        actions.append(_publish(entity, "hs_command_topic", payload))
    if "rgb" in params and config.get("rgb_command_topic"):
        actions.append(rgbx(scale(params["rgb"]), "rgb", rgb_names))
    if "rgbw" in params and config.get("rgbw_command_topic"):
        actions.append(rgbx(scale(params["rgbw"]), "rgbw", (*rgb_names, "white")))
    if "rgbww" in params and config.get("rgbww_command_topic"):
        names = (*rgb_names, "cold_white", "warm_white")
        actions.append(rgbx(scale(params["rgbww"]), "rgbww", names))
    if "xy" in params and config.get("xy_command_topic"):
        x, y = params["xy"]
        payload = _payload(entity, "xy_command_template", f"{x},{y}", x=x, y=y)
        actions.append(_publish(entity, "xy_command_topic", payload))
    if "brightness" in params:
        level = params["brightness"]
        if brightness_topic:
            device_scale = _brightness_scale(entity)
            device = max(min(round(level / 255 * device_scale), device_scale), 1)
            actions.append(_send(entity, "brightness_command_topic", "brightness_command_template", device))
        elif not any(config.get(f"{key}_command_topic") for key in ("rgb", "rgbw", "rgbww")):
            raise _cannot(entity, "be dimmed")
        elif "rgb" not in params and config.get("rgb_command_topic"):
            actions.append(rgbx(scale(_state_rgb(entity) or (255,) * 3, level), "rgb", rgb_names))
        elif "rgbw" not in params and config.get("rgbw_command_topic"):
            actions.append(rgbx(scale((255,) * 4, level), "rgbw", (*rgb_names, "white")))
        elif "rgbww" not in params and config.get("rgbww_command_topic"):
            names = (*rgb_names, "cold_white", "warm_white")
            actions.append(rgbx(scale((255,) * 5, level), "rgbww", names))
    if "color_temp_kelvin" in params and config.get("color_temp_command_topic"):
        kelvin = params["color_temp_kelvin"]
        value = kelvin if config.get("color_temp_kelvin") else colors.kelvin_to_mired(kelvin)
        payload = _payload(entity, "color_temp_command_template", value)
        actions.append(_publish(entity, "color_temp_command_topic", payload))
    if "effect" in params:
        actions.append(_send(entity, "effect_command_topic", "effect_command_template", params["effect"]))
    if on_type == "last":
        actions.append(_publish(entity, "command_topic", payload_on))
    if not actions:
        raise ActionError(f"I can't drive {spoken_name(entity)}: it has no topic for that.")
    return actions


def _light_json_on(entity: Entity, modes: set[str], params: dict[str, Any]) -> Action:
    """schema_json.async_turn_on: one JSON object on command_topic."""
    config = entity.config
    message: dict[str, Any] = {"state": "ON"}

    def scaled(color: tuple[int, ...]) -> tuple[int, ...]:
        # With `brightness: true` colours go at full scale; otherwise brightness is folded in.
        level = 255 if config.get("brightness") else params.pop("brightness", 255)
        return tuple(round(channel / 255 * level) for channel in color)

    if "hs" in params and "hs" in modes:
        message["color"] = {"h": params["hs"][0], "s": params["hs"][1]}
    if "rgb" in params and "rgb" in modes:
        message["color"] = dict(zip("rgb", scaled(params["rgb"]), strict=True))
    if "rgbw" in params and "rgbw" in modes:
        message["color"] = dict(zip("rgbw", scaled(params["rgbw"]), strict=True))
    if "rgbww" in params and "rgbww" in modes:
        message["color"] = dict(zip("rgbcw", scaled(params["rgbww"]), strict=True))
    if "xy" in params and "xy" in modes:
        message["color"] = {"x": params["xy"][0], "y": params["xy"][1]}
    if "brightness" in params and modes & _BRIGHTNESS_MODES:
        device_scale = _brightness_scale(entity)
        message["brightness"] = max(round(params["brightness"] * device_scale / 255), 1)
    if "color_temp_kelvin" in params:
        kelvin = params["color_temp_kelvin"]
        message["color_temp"] = kelvin if config.get("color_temp_kelvin") else colors.kelvin_to_mired(kelvin)
    if "effect" in params:
        message["effect"] = params["effect"]
    return _publish(entity, "command_topic", _json(message))


def _template_light(entity: Entity, key: str, state: str, **variables: Any) -> str:
    template = entity.config.get(key)
    if not template:
        raise ActionError(f"I can't drive {spoken_name(entity)}: it has no {key.replace('_', ' ')}.")
    rendered = render_template(str(template), {"value": None, "state": state, **variables})
    if rendered is None:
        words = key.replace("_", " ")
        raise ActionError(f"I can't drive {spoken_name(entity)}: its {words} is not supported.")
    return rendered


def _light_template_on(entity: Entity, params: dict[str, Any]) -> Action:
    if set(params) - {"brightness"}:
        raise ActionError(f"I can't drive {spoken_name(entity)}: its colour templates are not supported.")
    variables = {"brightness": params["brightness"]} if "brightness" in params else {}
    payload = _template_light(entity, "command_on_template", "on", **variables)
    return _publish(entity, "command_topic", payload)


# --- covers and valves -------------------------------------------------------------------------


def _cover_open(entity: Entity) -> list[Action]:
    config = entity.config
    payload = config.get("payload_open", "OPEN")
    if config.get("command_topic") and payload is not None:
        return [_publish(entity, "command_topic", str(payload))]
    if config.get("set_position_topic"):
        return _cover_position(entity, 100)
    raise _cannot(entity, "be opened")


def _cover_close(entity: Entity) -> list[Action]:
    config = entity.config
    payload = config.get("payload_close", "CLOSE")
    if config.get("command_topic") and payload is not None:
        return [_publish(entity, "command_topic", str(payload))]
    if config.get("set_position_topic"):
        return _cover_position(entity, 0)
    raise _cannot(entity, "be closed")


def _cover_stop(entity: Entity, intent: Intent) -> list[Action]:
    payload = entity.config.get("payload_stop", "STOP")
    if entity.component != "cover" or not entity.config.get("command_topic") or payload is None:
        raise _cannot(entity, "be stopped")
    return [_publish(entity, "command_topic", str(payload))]


def _cover_position(entity: Entity, percent: int) -> list[Action]:
    config = entity.config
    if not config.get("set_position_topic"):
        if percent >= 100:
            return _cover_open(entity)
        if percent <= 0:
            return _cover_close(entity)
        raise ActionError(f"{sentence(spoken_name(entity))} can only open or close fully.")
    closed = int(_config_number(entity, "position_closed", 0))
    opened = int(_config_number(entity, "position_open", 100))
    ranged = round(_percentage_to_ranged(closed + 1, opened, percent))
    payload = _payload(
        entity,
        "set_position_template",
        ranged,
        position=percent,
        position_open=opened,
        position_closed=closed,
        tilt_min=config.get("tilt_min", 0),
        tilt_max=config.get("tilt_max", 100),
        entity_id=entity.entity_id,
    )
    return [_publish(entity, "set_position_topic", payload)]


def _valve_position(entity: Entity, percent: int) -> list[Action]:
    config = entity.config
    if not config.get("reports_position"):
        if percent in (0, 100):
            key, default = ("payload_open", "OPEN") if percent == 100 else ("payload_close", "CLOSE")
            payload = config.get(key, default)
            if payload is None:
                raise _cannot(entity, "be opened" if percent == 100 else "be closed")
            return [_send(entity, "command_topic", "command_template", payload)]
        raise ActionError(f"{sentence(spoken_name(entity))} can only open or close fully.")
    closed = int(_config_number(entity, "position_closed", 0))
    opened = int(_config_number(entity, "position_open", 100))
    ranged = round(_percentage_to_ranged(closed + 1, opened, percent))
    payload = _payload(
        entity, "command_template", ranged, position=percent, position_open=opened, position_closed=closed
    )
    return [_publish(entity, "command_topic", payload)]


def position_percent(entity: Entity, intent: Intent) -> int:
    """The position in percent a cover or valve ends at for HassSetPosition(/Relative)."""
    if intent.name == "HassSetPosition":
        return round(_clamp(_slot_number(intent, "position", "position"), 0, 100))
    step = _slot_number(intent, "position_step", "position change")
    current = _state_number(entity, "position")
    if current is None:
        state = main_state(entity)
        if state == "closed":
            current = 0
        elif state == "open" and not (entity.config.get("set_position_topic") or entity.config.get("reports_position")):
            current = 100
        else:
            raise ActionError(f"I don't know how far open {spoken_name(entity)} is yet.")
    return round(_clamp(current + step, 0, 100))


def _set_position(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component == "cover":
        return _cover_position(entity, position_percent(entity, intent))
    if entity.component == "valve":
        return _valve_position(entity, position_percent(entity, intent))
    raise _cannot(entity, "be set to a position")


# --- climate and water heaters -----------------------------------------------------------------


def _temperature_limits(entity: Entity) -> tuple[float, float]:
    fahrenheit = str(entity.config.get("temperature_unit", "C")).upper().lstrip("°") == "F"
    if entity.component == "water_heater":
        defaults = (110.0, 140.0) if fahrenheit else ((110 - 32) * 5 / 9, (140 - 32) * 5 / 9)
    else:
        defaults = (44.6, 95.0) if fahrenheit else (7.0, 35.0)
    return _config_number(entity, "min_temp", defaults[0]), _config_number(entity, "max_temp", defaults[1])


def _temperature_step(entity: Entity) -> float:
    for key in ("temp_step", "precision"):
        step = as_number(entity.config.get(key))
        if step and step > 0:
            return step
    return 1.0


def target_temperature(entity: Entity, intent: Intent) -> float:
    """The target temperature a thermostat or water heater ends at, clamped and on its step."""
    if intent.name == "HassClimateSetTemperatureRelative":
        step = _slot_number(intent, "temperature_step", "temperature change")
        base = _state_number(entity, "temperature")
        if base is None:
            base = _state_number(entity, "current_temperature")
        if base is None:
            raise ActionError(f"I don't know what {spoken_name(entity)} is set to yet.")
        value = base + step
    else:
        value = _slot_number(intent, "temperature", "temperature")
    low, high = _temperature_limits(entity)
    return _fit(value, low, high, _temperature_step(entity))


def _set_temperature(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component not in ("climate", "water_heater"):
        raise _cannot(entity, "be set to a temperature")
    if not entity.config.get("temperature_command_topic"):
        raise _cannot(entity, "take a target temperature")
    value = float(target_temperature(entity, intent))
    return [_send(entity, "temperature_command_topic", "temperature_command_template", value)]


_HVAC_WORDS = {"heating": "heat", "cooling": "cool", "heat cool": "heat_cool", "fan": "fan_only"}


def hvac_mode(entity: Entity, spoken: str) -> str:
    """The mode exactly as listed in the thermostat's (or water heater's) `modes` for a spoken
    mode name."""
    defaults = DEFAULT_WATER_HEATER_MODES if entity.component == "water_heater" else DEFAULT_HVAC_MODES
    modes = [str(m) for m in entity.config.get("modes", defaults)]
    word = normalize_name(spoken)
    mode = _match_option(_HVAC_WORDS.get(word, word), modes)
    if mode is None:
        raise ActionError(f"{sentence(spoken_name(entity))} has no {word} mode.")
    return mode


def _climate_mode(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component not in ("climate", "water_heater") or not entity.config.get("mode_command_topic"):
        raise _cannot(entity, "change mode")
    mode = hvac_mode(entity, _slot_text(intent, "hvac_mode", "mode"))
    return [_send(entity, "mode_command_topic", "mode_command_template", mode)]


def _climate_power(entity: Entity, on: bool) -> list[Action]:
    return _power(entity, on, DEFAULT_HVAC_MODES, _on_mode)


def _power(
    entity: Entity, on: bool, default_modes: Sequence[str], on_mode: Callable[[Entity, list[str]], str]
) -> list[Action]:
    """On/off for climate and water heaters: the power topic if there is one, else a mode."""
    config = entity.config
    if config.get("power_command_topic"):
        payload = config.get("payload_on", "ON") if on else config.get("payload_off", "OFF")
        return [_send(entity, "power_command_topic", "power_command_template", payload)]
    if not config.get("mode_command_topic"):
        raise _cannot(entity, "be turned on or off")
    modes = [str(m) for m in config.get("modes", default_modes)]
    if not on:
        if "off" not in modes:
            raise _cannot(entity, "be turned off")
        mode = "off"
    else:
        mode = on_mode(entity, [m for m in modes if m != "off"])
    return [_send(entity, "mode_command_topic", "mode_command_template", mode)]


def _on_mode(entity: Entity, candidates: list[str]) -> str:
    """The mode 'on' means, as Home Assistant's climate turn_on: the only one there is, else
    heat_cool, heat or cool, the first the device has; never a guess among the others."""
    if len(candidates) == 1:
        return candidates[0]
    for preferred in ("heat_cool", "heat", "cool"):
        if preferred in candidates:
            return preferred
    if not candidates:
        raise _cannot(entity, "be turned on")
    options = list_words([c.replace("_", " ") for c in candidates])
    raise ActionError(f"Tell me which mode to use for {spoken_name(entity)}: {options}.")


def _numbered_fan_mode(spoken: str, modes: Iterable[Any]) -> str | None:
    """ "High" (also said "max") as the highest of fan modes "1" to "5", "low" as the lowest,
    "medium" as the middle one when there is one."""
    numbered = sorted((str(m) for m in modes if str(m).isdigit()), key=int)
    if len(numbered) < 3:
        return None
    if spoken == "high":
        return numbered[-1]
    if spoken == "low":
        return numbered[0]
    if spoken == "medium" and len(numbered) % 2 == 1:
        return numbered[len(numbered) // 2]
    return None


def climate_fan_mode(entity: Entity, spoken: str) -> str | None:
    """The climate's fan mode, exactly as listed, that `spoken` names."""
    modes = entity.config.get("fan_modes", DEFAULT_FAN_MODES)
    return _match_option(spoken, modes) or _numbered_fan_mode(normalize_name(spoken), modes)


def _climate_listed_mode(
    entity: Entity, intent: Intent, kind: str, find: Callable[[Entity, str], str | None], cannot: str
) -> list[Action]:
    """A climate's fan or swing mode (`kind`), one of its listed modes, to its command topic."""
    if entity.component != "climate" or not entity.config.get(f"{kind}_mode_command_topic"):
        raise _cannot(entity, cannot)
    spoken = _slot_text(intent, f"{kind}_mode", f"{kind} mode")
    mode = find(entity, spoken)
    if mode is None:
        raise ActionError(f"{sentence(spoken_name(entity))} has no {normalize_name(spoken)} {kind} mode.")
    return [_send(entity, f"{kind}_mode_command_topic", f"{kind}_mode_command_template", mode)]


def _climate_fan_mode(entity: Entity, intent: Intent) -> list[Action]:
    return _climate_listed_mode(entity, intent, "fan", climate_fan_mode, "change its fan mode")


def _water_heater_power(entity: Entity, on: bool) -> list[Action]:
    return _power(entity, on, DEFAULT_WATER_HEATER_MODES, _only_mode)


def _only_mode(entity: Entity, candidates: list[str]) -> str:
    """A water heater is turned on only when it has exactly one operating mode."""
    if len(candidates) != 1:
        options = list_words([c.replace("_", " ") for c in candidates])
        raise ActionError(f"Tell me which mode to use for {spoken_name(entity)}: {options}.")
    return candidates[0]


def fan_percent(entity: Entity, intent: Intent) -> int:
    """The speed in percent a fan ends at for HassFanSetSpeed(/Relative)."""
    if intent.name == "HassFanSetSpeed":
        return round(_clamp(_slot_number(intent, "percentage", "speed"), 0, 100))
    step = _slot_number(intent, "percentage_step", "speed change")
    current = _state_number(entity, "percentage")
    if current is None:
        if is_on(entity) is False:
            current = 0
        else:
            raise ActionError(f"I don't know how fast {spoken_name(entity)} is going yet.")
    return round(_clamp(current + step, 0, 100))


def _fan_speed(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "fan" or not entity.config.get("percentage_command_topic"):
        raise _cannot(entity, "change speed")
    low = int(_config_number(entity, "speed_range_min", 1))
    high = int(_config_number(entity, "speed_range_max", 100))
    value = math.ceil(_percentage_to_ranged(low, high, fan_percent(entity, intent)))
    speed = _send(entity, "percentage_command_topic", "percentage_command_template", value)
    if intent.slots.get("turn_on") is True:
        return [*_switch(entity, intent, on=True), speed]
    return [speed]


def climate_swing_mode(entity: Entity, spoken: str) -> str | None:
    """The climate's swing mode, exactly as listed (Home Assistant's default: on, off)."""
    return _match_option(spoken, entity.config.get("swing_modes", DEFAULT_SWING_MODES))


def _climate_swing_mode(entity: Entity, intent: Intent) -> list[Action]:
    return _climate_listed_mode(entity, intent, "swing", climate_swing_mode, "swing")


def _humidifier_mode(entity: Entity, intent: Intent) -> list[Action]:
    return _named_mode(entity, intent, "humidifier", "mode", "modes", "mode")


def _fan_preset(entity: Entity, intent: Intent) -> list[Action]:
    return _named_mode(entity, intent, "fan", "preset_mode", "preset_modes", "preset")


def _climate_preset(entity: Entity, intent: Intent) -> list[Action]:
    return _named_mode(entity, intent, "climate", "preset_mode", "preset_modes", "preset")


def _named_mode(entity: Entity, intent: Intent, component: str, key: str, choices: str, what: str) -> list[Action]:
    """A mode chosen by name from the device's list (`{key}_command_topic`, `{choices}`)."""
    if entity.component != component or not entity.config.get(f"{key}_command_topic"):
        raise _cannot(entity, f"change {what}")
    spoken = _slot_text(intent, key, what)
    chosen = _match_option(spoken, entity.config.get(choices, []))
    if chosen is None:
        raise ActionError(f"{sentence(spoken_name(entity))} has no {normalize_name(spoken)} {what}.")
    return [_send(entity, f"{key}_command_topic", f"{key}_command_template", chosen)]


def target_humidity(entity: Entity, intent: Intent) -> int:
    value = _slot_number(intent, "humidity", "humidity")
    low = _config_number(entity, "min_humidity", 0)
    high = _config_number(entity, "max_humidity", 100)
    return int(_fit(value, low, high, 1.0))


def _humidity(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "humidifier" or not entity.config.get("target_humidity_command_topic"):
        raise _cannot(entity, "set a humidity")
    payload = _payload(entity, "target_humidity_command_template", target_humidity(entity, intent))
    return [_publish(entity, "target_humidity_command_topic", payload)]


# --- select, number, text, button --------------------------------------------------------------


def select_option(entity: Entity, intent: Intent) -> str:
    spoken = _slot_text(intent, "option", "option")
    options = [str(o) for o in entity.config.get("options", [])]
    option = _match_option(spoken, options)
    if option is None:
        raise ActionError(f"{sentence(spoken_name(entity))} has no option {spoken}. It has {list_words(options)}.")
    return option


def _select(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "select":
        raise _cannot(entity, "choose an option")
    option = select_option(entity, intent)
    return [_send(entity, "command_topic", "command_template", option)]


def _number_range(entity: Entity) -> tuple[float, float, float]:
    low = _config_number(entity, "min", 1)
    high = _config_number(entity, "max", 100)
    step = _config_number(entity, "step", 1)
    return low, high, step


PERCENT_SAID = re.compile(r"%|\bper ?cent\b", re.IGNORECASE)
"""A share said ("20 percent", "20%"), not a value in the device's own units."""


def number_value(entity: Entity, intent: Intent) -> float:
    """The value a number entity ends at for HassNumberSet(/Relative) and HassSetVolume(/Relative)."""
    low, high, step = _number_range(entity)
    if intent.name == "HassNumberSet" and intent.slots.get("value") in ("max", "min"):
        value = high if intent.slots["value"] == "max" else low
    elif intent.name == "HassNumberSet":
        value = _slot_number(intent, "value", "value")
    elif intent.name == "HassSetVolume" and not PERCENT_SAID.search(intent.text) and (low, high) != (0, 100):
        # "Volume to 20" on a car's 0-30 volume is 20, as its display shows; "20 percent" is a share.
        value = _slot_number(intent, "volume_level", "volume")
    elif intent.name == "HassSetVolume":
        value = low + (high - low) * _clamp(_slot_number(intent, "volume_level", "volume"), 0, 100) / 100
    elif intent.name == "HassNumberSetRelative":
        delta = _slot_number(intent, "value_step", "change")
    else:
        delta = (high - low) * _slot_number(intent, "volume_step", "volume change") / 100
    if intent.name in ("HassNumberSetRelative", "HassSetVolumeRelative"):
        current = _state_number(entity, "state")
        if current is None:
            raise ActionError(f"I don't know the current value of {spoken_name(entity)} yet.")
        value = current + delta
    return _fit(value, low, high, step, low)


def _number(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "number":
        if intent.name.startswith("HassSetVolume"):
            raise _cannot(entity, "change volume")
        raise _cannot(entity, "be set to a number")
    value: float | int = number_value(entity, intent)
    if float(value).is_integer():
        value = int(value)
    return [_send(entity, "command_topic", "command_template", value)]


def _text(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "text":
        raise _cannot(entity, "take text")
    key, what = ("destination", "destination") if intent.name == "HassNavigate" else ("text", "text")
    value = _slot_text(intent, key, what)
    low = int(_config_number(entity, "min", 0))
    high = int(_config_number(entity, "max", 255))
    name = sentence(spoken_name(entity))
    if len(value) > high:
        raise ActionError(f"That's too long for {spoken_name(entity)}: it takes at most {high} characters.")
    if len(value) < low:
        raise ActionError(f"That's too short for {spoken_name(entity)}: it needs at least {low} characters.")
    pattern = entity.config.get("pattern")
    if pattern:
        try:
            matched = re.match(str(pattern), value)
        except re.error as err:
            raise ActionError(f"{name} has a pattern I can't read.") from err
        if matched is None:
            raise ActionError(f"{name} doesn't accept that text.")
    return [_send(entity, "command_topic", "command_template", value)]


def _button(entity: Entity, intent: Intent) -> list[Action]:
    """HassButtonPress, and the media intents: car and media controls are MQTT buttons."""
    if entity.component != "button":
        raise _cannot(entity, "be pressed" if intent.name == "HassButtonPress" else "do that")
    return [_press(entity)]


# --- vacuums, mowers, alarms -------------------------------------------------------------------


def _vacuum_intent(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "vacuum":
        raise _cannot(entity, "do that")
    if intent.name == "HassVacuumSetFanSpeed":
        return [_vacuum_fan_speed(entity, _slot_text(intent, "fan_speed", "suction"))]
    feature = {
        "HassVacuumStart": "start",
        "HassVacuumPause": "pause",
        "HassVacuumStop": "stop",
        "HassVacuumLocate": "locate",
    }
    return [_vacuum(entity, feature.get(intent.name, "return_home"))]


def _vacuum_fan_speed(entity: Entity, spoken: str) -> Action:
    """Home Assistant's vacuum.set_fan_speed: one of its `fan_speed_list`, to `set_fan_speed_topic`."""
    features = entity.config.get("supported_features", DEFAULT_VACUUM_FEATURES)
    if "fan_speed" not in features or not entity.config.get("set_fan_speed_topic"):
        raise _cannot(entity, "change its suction")
    speed = _match_option(spoken, entity.config.get("fan_speed_list") or [])
    if speed is None:
        raise ActionError(f"{sentence(spoken_name(entity))} has no {normalize_name(spoken)} setting.")
    return _publish(entity, "set_fan_speed_topic", speed)


def _mower_intent(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "lawn_mower":
        raise _cannot(entity, "do that")
    return [_lawn_mower(entity, "start_mowing" if intent.name == "HassLawnMowerStartMowing" else "dock")]


def arm_mode(intent: Intent) -> str:
    spoken = normalize_name(str(intent.slots.get("arm_mode") or "away")).replace(" ", "_")
    for prefix in ("armed_", "arm_"):
        spoken = spoken.removeprefix(prefix)
    if spoken not in ALARM_ARM_MODES:
        raise ActionError(f"I don't know the arming mode {spoken.replace('_', ' ')}.")
    return spoken


def _alarm(entity: Entity, intent: Intent) -> list[Action]:
    if entity.component != "alarm_control_panel":
        raise _cannot(entity, "be armed or disarmed")
    config = entity.config
    if intent.name == "HassAlarmDisarm":
        payload = config.get("payload_disarm", "DISARM")
        required = config.get("code_disarm_required", True)
    else:
        mode = arm_mode(intent)
        features = config.get("supported_features", [f"arm_{m}" for m in ALARM_ARM_MODES])
        if f"arm_{mode}" not in features:
            raise ActionError(f"{sentence(spoken_name(entity))} can't arm in {mode.replace('_', ' ')} mode.")
        payload = config.get(f"payload_arm_{mode}", f"ARM_{mode.upper()}")
        required = config.get("code_arm_required", True)
    code = config.get("code")
    if required and code in _REMOTE_CODES:
        raise ActionError(f"{sentence(spoken_name(entity))} needs a code, so I can't do that by voice.")
    variables = {"action": payload, "code": code if required else None, "value": None}
    rendered = render_template(str(config.get("command_template") or "{{action}}"), variables)
    if rendered is None:
        raise ActionError(f"I can't drive {spoken_name(entity)}: its command template is not supported.")
    return [_publish(entity, "command_topic", rendered)]


_BUILDERS: dict[str, Callable[[Entity, Intent], list[Action]]] = {
    "HassTurnOn": _turn_on,
    "HassTurnOff": _turn_off,
    "HassToggle": _toggle,
    "HassLightSet": _light_set,
    "HassLightSetRelative": _light_set_relative,
    "HassSetPosition": _set_position,
    "HassSetPositionRelative": _set_position,
    "HassStopCover": _cover_stop,
    "HassClimateSetTemperature": _set_temperature,
    "HassClimateSetTemperatureRelative": _set_temperature,
    "HassWaterHeaterSetTemperature": _set_temperature,
    "HassClimateSetMode": _climate_mode,
    "HassClimateSetFanMode": _climate_fan_mode,
    "HassClimateSetSwingMode": _climate_swing_mode,
    "HassFanSetSpeed": _fan_speed,
    "HassFanSetSpeedRelative": _fan_speed,
    "HassFanSetPreset": _fan_preset,
    "HassClimateSetPreset": _climate_preset,
    "HassHumidifierSetHumidity": _humidity,
    "HassHumidifierSetMode": _humidifier_mode,
    "HassSelectOption": _select,
    "HassNumberSet": _number,
    "HassNumberSetRelative": _number,
    "HassSetVolume": _number,
    "HassSetVolumeRelative": _number,
    "HassTextSet": _text,
    "HassNavigate": _text,
    "HassButtonPress": _button,
    "HassMediaNext": _button,
    "HassMediaPrevious": _button,
    "HassMediaPause": _button,
    "HassMediaUnpause": _button,
    "HassVacuumStart": _vacuum_intent,
    "HassVacuumReturnToBase": _vacuum_intent,
    "HassVacuumPause": _vacuum_intent,
    "HassVacuumStop": _vacuum_intent,
    "HassVacuumLocate": _vacuum_intent,
    "HassVacuumSetFanSpeed": _vacuum_intent,
    "HassLawnMowerStartMowing": _mower_intent,
    "HassLawnMowerDock": _mower_intent,
    "HassAlarmArm": _alarm,
    "HassAlarmDisarm": _alarm,
}


# --- questions ---------------------------------------------------------------------------------

_BINARY_WORDS: dict[str, tuple[str, str]] = {
    "door": ("open", "closed"),
    "garage_door": ("open", "closed"),
    "opening": ("open", "closed"),
    "window": ("open", "closed"),
    "lock": ("unlocked", "locked"),
    "motion": ("detecting motion", "clear"),
    "occupancy": ("occupied", "clear"),
    "presence": ("home", "away"),
    "moisture": ("wet", "dry"),
    "smoke": ("detecting smoke", "clear"),
    "gas": ("detecting gas", "clear"),
    "battery": ("low", "normal"),
    "battery_charging": ("charging", "not charging"),
    "plug": ("plugged in", "unplugged"),
    "connectivity": ("connected", "disconnected"),
    "problem": ("reporting a problem", "OK"),
    "running": ("running", "not running"),
}

_UNIT_WORDS = {"°C": "degrees", "°F": "degrees", "%": "percent", "C": "degrees", "F": "degrees"}


def with_unit(value: Any, unit: Any) -> str:
    number = as_number(value)
    text = speak_number(number) if number is not None else str(value)
    if not unit:
        return text
    return f"{text} {_UNIT_WORDS.get(str(unit), str(unit))}"


def _percent_of(entity: Entity, key: str, scale: float) -> int | None:
    value = _state_number(entity, key)
    return None if value is None else round(value / scale * 100)


def _temperature_phrase(entity: Entity) -> str | None:
    target = _state_number(entity, "temperature")
    current = _state_number(entity, "current_temperature")
    if target is not None and current is not None:
        return f"set to {speak_number(target)} degrees and it is {speak_number(current)} now"
    if target is not None:
        return f"set to {speak_number(target)} degrees"
    if current is not None:
        return f"at {speak_number(current)} degrees"
    return None


def state_words(entity: Entity) -> list[str]:
    """The words a yes/no question about the entity's state is checked against."""
    state = main_state(entity)
    if entity.state.get("available") is False:
        return ["unavailable"]
    if state is None:
        return []
    if entity.component == "binary_sensor" and state in ("on", "off"):
        on_word, off_word = _BINARY_WORDS.get(entity.device_class or "", ("on", "off"))
        return [on_word if state == "on" else off_word, state]
    words = [normalize_name(state)]
    if entity.component in ("climate", "water_heater") and state != "off":
        words.append("on")
    return words


def describe_state(entity: Entity) -> str | None:
    """What follows 'is' when telling the entity's state: 'on at 40 percent', 'locked'..."""
    component = entity.component
    state = main_state(entity)
    if entity.state.get("available") is False:
        return "unavailable"
    unit = entity.config.get("unit_of_measurement") or entity.state.get("unit")
    if component in ("climate", "water_heater"):
        temperature = _temperature_phrase(entity)
        if state == "off" or (state is None and temperature is None):
            return state
        mode = f"in {state.replace('_', ' ')} mode" if state else None
        return ", ".join(part for part in (mode, temperature) if part)
    if state is None:
        return None
    if component == "sensor":
        return with_unit(entity.state.get("state"), unit)
    if component in ("number", "select", "text"):
        return f"set to {with_unit(entity.state.get('state'), unit)}"
    words = state_words(entity)
    word = words[0] if words else state
    if component == "light" and state == "on":
        percent = _percent_of(entity, "brightness", _brightness_scale(entity))
        if percent:
            return f"on at {percent} percent"
    if component == "fan" and state == "on":
        percent = _state_number(entity, "percentage")
        if percent:
            return f"on at {speak_number(percent)} percent"
    if component == "humidifier" and state == "on":
        humidity = _state_number(entity, "humidity")
        if humidity is not None:
            return f"on and set to {speak_number(humidity)} percent"
    if component in ("cover", "valve"):
        position = _state_number(entity, "position")
        if position is not None and 0 < position < 100 and state in ("open", "stopped"):
            return f"{speak_number(position)} percent open"
    return word.replace("_", " ")


_NOUNS = {
    "climate": "thermostat",
    "alarm_control_panel": "alarm",
    "binary_sensor": "sensor",
    "number": "setting",
    "select": "setting",
    "text": "setting",
    "garage": "garage door",
}


def noun(entity: Entity) -> str:
    """What kind of thing the entity is, in words: 'light', 'garage door', 'thermostat'."""
    kind = entity.component
    if kind in ("cover", "valve", "switch") and entity.device_class:
        kind = entity.device_class
    return _NOUNS.get(kind, kind.replace("_", " "))


def plural_noun(entities: list[Entity]) -> str:
    """'lights', 'switches', 'garage doors'; 'devices' when they are of different kinds."""
    kinds = {noun(entity) for entity in entities}
    if len(kinds) != 1:
        return "devices"
    kind = kinds.pop()
    return f"{kind}es" if kind.endswith(("s", "sh", "ch", "x")) else f"{kind}s"


def _answer_one(entity: Entity, intent: Intent) -> str:
    name = sentence(spoken_name(entity))
    if intent.name == "HassClimateGetTemperature":
        if entity.component in ("climate", "water_heater"):
            temperature = _temperature_phrase(entity)
            if temperature is None:
                return f"I don't know the temperature of {spoken_name(entity)} yet."
            return f"{name} is {temperature}."
    if entity.component in ("button", "scene"):
        return f"{name} has no state to report."
    described = describe_state(entity)
    if described is None:
        return f"I don't know the state of {spoken_name(entity)} yet."
    return f"{name} is {described}."


def _matches(entity: Entity, asked: str) -> bool | None:
    words = state_words(entity)
    if not words:
        return None
    return any(word == asked or word.startswith(asked + " ") for word in words)


def answer_question(intent: Intent) -> str:
    """Answer HassGetState / HassClimateGetTemperature from the targets' known state."""
    targets = intent.targets
    if not targets:
        return "I don't know which device you mean."
    asked_raw = intent.slots.get("state")
    if intent.name == "HassGetState" and asked_raw:
        return _answer_yes_no(targets, normalize_name(str(asked_raw)))
    if len(targets) <= 3:
        return " ".join(_answer_one(entity, intent) for entity in targets)
    return _summarize(targets)


def _answer_yes_no(targets: list[Entity], asked: str) -> str:
    unknown = [e for e in targets if _matches(e, asked) is None]
    different = [e for e in targets if _matches(e, asked) is False]
    if len(targets) == 1:
        entity = targets[0]
        if unknown:
            return f"I don't know the state of {spoken_name(entity)} yet."
        described = describe_state(entity) or asked
        return f"{'Yes' if not different else 'No'}, {spoken_name(entity)} is {described}."
    if not unknown and not different:
        return f"Yes, {'both' if len(targets) == 2 else f'all {len(targets)}'} are {asked}."
    parts: list[str] = []
    groups: dict[str, list[Entity]] = {}
    for entity in different:
        groups.setdefault(describe_state(entity) or "", []).append(entity)
    for described, members in groups.items():
        names = list_words([spoken_name(e) for e in members])
        parts.append(f"{names} {'is' if len(members) == 1 else 'are'} {described}")
    if unknown:
        parts.append(f"I don't know about {list_words([spoken_name(e) for e in unknown])}")
    return f"{'No' if different else 'Not sure'}, {'; '.join(parts)}."


def _summarize(targets: list[Entity]) -> str:
    counts: dict[str, int] = {}
    for entity in targets:
        words = state_words(entity)
        key = words[0] if words else "unknown"
        counts[key] = counts.get(key, 0) + 1
    kinds = plural_noun(targets)
    parts = []
    for index, (word, count) in enumerate(sorted(counts.items(), key=lambda item: -item[1])):
        verb = "is" if count == 1 else "are"
        subject = f"{count} {kinds}" if index == 0 else str(count)
        parts.append(f"{subject} {verb} {'in an unknown state' if word == 'unknown' else word}")
    return sentence(list_words(parts)) + "."
