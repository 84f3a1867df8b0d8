"""Short spoken confirmations of what was done, and the question asked before risky actions.

One style throughout: subject, then what it is now, as Home Assistant's English responses do in
a few words: "Kitchen light on.", "Garage door opening.", "Thermostat set to 21 degrees.",
"3 lights in the kitchen off.". Values are the ones actually sent (after clamping and rounding),
computed by the same helpers `build_actions` uses, from the state as it was before the command.
"""

from __future__ import annotations

from collections.abc import Callable

from assistant.nlu import actions as acts
from assistant.nlu.types import Action, ActionError, Intent
from assistant.registry import Entity, normalize_name

_MEDIA_REPLIES = {
    "HassMediaNext": "Next track.",
    "HassMediaPrevious": "Previous track.",
    "HassMediaPause": "Paused.",
    "HassMediaUnpause": "Resumed.",
}

# component -> (said after turning on, said after turning off)
_ON_OFF_WORDS: dict[str, tuple[str, str]] = {
    "cover": ("opening", "closing"),
    "valve": ("opening", "closing"),
    "lock": ("locked", "unlocked"),
    "scene": ("activated", "activated"),
    "button": ("pressed", "pressed"),
    "vacuum": ("started", "returning to base"),
    "lawn_mower": ("started", "docking"),
}


def reply_for(intent: Intent, actions: list[Action]) -> str:
    """What to say after publishing `actions` for `intent`."""
    if intent.name in _MEDIA_REPLIES:
        return _MEDIA_REPLIES[intent.name]
    acted_ids = {action.entity_id for action in actions}
    acted = [entity for entity in intent.targets if entity.entity_id in acted_ids]
    if not acted:
        return "Done."
    if intent.name == "HassNavigate":
        return f"Navigating to {intent.slots.get('destination', 'there')}."
    percent_said = acts.PERCENT_SAID.search(intent.text or "") is not None
    if intent.name == "HassSetVolume" and not percent_said and all(e.component == "number" for e in acted):
        # A car's 0-30 volume in its own units: what was sent ("make the volume 40": 30).
        return f"Volume set to {actions[0].payload}."
    if intent.name == "HassSetVolume":
        level = acts.as_number(intent.slots.get("volume_level")) or 0
        return f"Volume set to {acts.speak_number(level)} percent."
    if intent.name == "HassSetVolumeRelative":
        return "Volume up." if (acts.as_number(intent.slots.get("volume_step")) or 0) > 0 else "Volume down."
    groups: dict[str, list[Entity]] = {}
    for entity in acted:
        groups.setdefault(_phrase(intent, entity), []).append(entity)
    parts = [f"{_subject(members, intent)} {phrase}" for phrase, members in groups.items()]
    reply = acts.sentence(acts.list_words(parts)) + "."
    skipped = [entity for entity in intent.targets if entity.entity_id not in acted_ids]
    if skipped:
        names = acts.list_words([acts.spoken_name(entity) for entity in skipped])
        reply += f" {acts.sentence(names)} couldn't do that."
    return reply


def _name(entity: Entity) -> str:
    name = acts.spoken_name(entity)
    return name[4:] if name.startswith("the ") else name


def _subject(entities: list[Entity], intent: Intent) -> str:
    if len(entities) <= 2:
        return acts.list_words([_name(entity) for entity in entities])
    area = intent.slots.get("area")
    if not area:
        areas = {entity.area for entity in entities}
        area = areas.pop() if len(areas) == 1 else None
    where = f" in the {acts.casual(str(area))}" if area else ""
    return f"{len(entities)} {acts.plural_noun(entities)}{where}"


def _phrase(intent: Intent, entity: Entity) -> str:
    try:
        return _PHRASES.get(intent.name, _done)(intent, entity)
    except ActionError:
        return "done"


def _done(intent: Intent, entity: Entity) -> str:
    return "done"


def _on_off(intent: Intent, entity: Entity) -> str:
    if intent.name == "HassToggle":
        on = acts.is_on(entity) is False
    else:
        on = intent.name == "HassTurnOn"
    if entity.component == "lock" and acts.truthy(intent.slots.get("open")):
        return "opened"
    on_word, off_word = _ON_OFF_WORDS.get(entity.component, ("on", "off"))
    return on_word if on else off_word


def _light_set(intent: Intent, entity: Entity) -> str:
    slots = intent.slots
    parts: list[str] = []
    if slots.get("effect"):
        parts.append(normalize_name(acts.light_effect(entity, str(slots["effect"]))))
    if slots.get("color"):
        parts.append(str(slots["color"]).lower())
    if slots.get("temperature") is not None:
        parts.append(f"{acts.speak_number(acts.as_number(slots['temperature']) or 0)} kelvin")
    if slots.get("brightness") is not None:
        percent = acts.light_percent(entity, intent)
        if percent == 0:
            return "off"
        parts.append(f"{'at ' if parts else ''}{percent} percent")
    return "set to " + " ".join(parts)


def _light_relative(intent: Intent, entity: Entity) -> str:
    if not acts.dimmable(entity):
        return "on"
    return f"set to {acts.light_percent(entity, intent)} percent"


def _position(intent: Intent, entity: Entity) -> str:
    percent = acts.position_percent(entity, intent)
    if percent == 0:
        return "closing"
    if percent == 100:
        return "opening"
    return f"set to {percent} percent"


def _temperature(intent: Intent, entity: Entity) -> str:
    return f"set to {acts.speak_number(acts.target_temperature(entity, intent))} degrees"


def _hvac_mode(intent: Intent, entity: Entity) -> str:
    mode = acts.hvac_mode(entity, str(intent.slots.get("hvac_mode", "")))
    return "off" if mode == "off" else f"set to {mode.replace('_', ' ')}"


def _swing_mode(intent: Intent, entity: Entity) -> str:
    spoken = str(intent.slots.get("swing_mode", ""))
    return f"swing set to {normalize_name(acts.climate_swing_mode(entity, spoken) or spoken)}"


def _fan_mode(intent: Intent, entity: Entity) -> str:
    spoken = str(intent.slots.get("fan_mode", ""))
    return f"fan set to {normalize_name(acts.climate_fan_mode(entity, spoken) or spoken)}"


def _fan_speed(intent: Intent, entity: Entity) -> str:
    return f"set to {acts.fan_percent(entity, intent)} percent"


def _preset(intent: Intent, entity: Entity) -> str:
    return f"set to {normalize_name(str(intent.slots.get('preset_mode', '')))}"


def _humidifier_mode(intent: Intent, entity: Entity) -> str:
    return f"set to {normalize_name(str(intent.slots.get('mode', '')))}"


def _humidity(intent: Intent, entity: Entity) -> str:
    return f"set to {acts.target_humidity(entity, intent)} percent"


def _select(intent: Intent, entity: Entity) -> str:
    return f"set to {acts.select_option(entity, intent)}"


def _number(intent: Intent, entity: Entity) -> str:
    value = acts.number_value(entity, intent)
    unit = entity.config.get("unit_of_measurement")
    return f"set to {acts.with_unit(value, unit)}"


def _text(intent: Intent, entity: Entity) -> str:
    text = str(intent.slots.get("text", "")).strip()
    return f"set to {text}" if 0 < len(text) <= 40 else "updated"


def _arm(intent: Intent, entity: Entity) -> str:
    return f"armed {acts.arm_mode(intent).replace('_', ' ')}"


def _vacuum_fan_speed(intent: Intent, entity: Entity) -> str:
    spoken = str(intent.slots.get("fan_speed", ""))
    listed = [str(speed) for speed in entity.config.get("fan_speed_list") or ()]
    return f"set to {next((s for s in listed if normalize_name(s) == normalize_name(spoken)), spoken)}"


def _fixed(words: str) -> Callable[[Intent, Entity], str]:
    return lambda intent, entity: words


_PHRASES: dict[str, Callable[[Intent, Entity], str]] = {
    "HassTurnOn": _on_off,
    "HassTurnOff": _on_off,
    "HassToggle": _on_off,
    "HassLightSet": _light_set,
    "HassLightSetRelative": _light_relative,
    "HassSetPosition": _position,
    "HassSetPositionRelative": _position,
    "HassClimateSetTemperature": _temperature,
    "HassClimateSetTemperatureRelative": _temperature,
    "HassWaterHeaterSetTemperature": _temperature,
    "HassClimateSetMode": _hvac_mode,
    "HassClimateSetFanMode": _fan_mode,
    "HassClimateSetSwingMode": _swing_mode,
    "HassFanSetSpeed": _fan_speed,
    "HassFanSetSpeedRelative": _fan_speed,
    "HassFanSetPreset": _preset,
    "HassClimateSetPreset": _preset,
    "HassHumidifierSetMode": _humidifier_mode,
    "HassStopCover": _fixed("stopped"),
    "HassVacuumPause": _fixed("paused"),
    "HassVacuumStop": _fixed("stopped"),
    "HassHumidifierSetHumidity": _humidity,
    "HassSelectOption": _select,
    "HassNumberSet": _number,
    "HassNumberSetRelative": _number,
    "HassTextSet": _text,
    "HassButtonPress": _fixed("pressed"),
    "HassVacuumStart": _fixed("started"),
    "HassVacuumReturnToBase": _fixed("returning to base"),
    "HassVacuumLocate": _fixed("beeping"),
    "HassVacuumSetFanSpeed": _vacuum_fan_speed,
    "HassLawnMowerStartMowing": _fixed("started"),
    "HassLawnMowerDock": _fixed("docking"),
    "HassAlarmArm": _arm,
    "HassAlarmDisarm": _fixed("disarmed"),
}


def _object(entities: list[Entity]) -> str:
    """The targets as the object of a question: 'the front door', '3 locks'."""
    if len(entities) <= 2:
        return acts.list_words([acts.spoken_name(entity) for entity in entities])
    return f"{len(entities)} {acts.plural_noun(entities)}"


def confirmation_question(intent: Intent) -> str:
    """The yes/no question asked before carrying out `intent` ("Unlock the front door?")."""
    targets = intent.targets
    what = _object(targets) if targets else "that"
    component = targets[0].component if targets else ""
    name = intent.name
    if component == "lock":
        if acts.truthy(intent.slots.get("open")):
            return f"Open {what}?"
        if name in ("HassTurnOff", "HassToggle"):
            return f"Unlock {what}?"
        return f"Lock {what}?"
    if name == "HassAlarmDisarm":
        return f"Disarm {what}?"
    if name == "HassAlarmArm":
        try:
            mode = acts.arm_mode(intent).replace("_", " ")
        except ActionError:
            return f"Arm {what}?"
        return f"Arm {what} in {mode} mode?"
    if component in ("cover", "valve"):
        if name in ("HassTurnOn", "HassToggle"):
            return f"Open {what}?"
        if name == "HassTurnOff":
            return f"Close {what}?"
        if name == "HassSetPosition":
            percent = acts.as_number(intent.slots.get("position"))
            if percent is not None and percent >= 100:
                return f"Open {what}?"
            if percent is not None:
                return f"Set {what} to {acts.speak_number(percent)} percent?"
        if name == "HassSetPositionRelative":
            step = acts.as_number(intent.slots.get("position_step")) or 0
            return f"{'Open' if step > 0 else 'Close'} {what} a bit?"
    if name == "HassTurnOn":
        return f"Turn on {what}?"
    if name == "HassTurnOff":
        return f"Turn off {what}?"
    return f"Should I go ahead with {what}?"
