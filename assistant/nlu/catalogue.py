"""The intents the assistant understands, with the slots each takes.

Names and slots follow Home Assistant's intents wherever one exists (`HassTurnOn`, `HassLightSet`,
...), so Home Assistant users recognise them; the ones Home Assistant lacks follow the same style.
This table is the one source of truth for the template matcher's custom sentences, the small
model's grammar and the action builder.

Target slots, common to device intents: `name` (entity name or alias), `area`, `floor`,
`domain` (the MQTT platform: light, cover, ...), `device_class` (garage, window, ...).
"""

from __future__ import annotations

from dataclasses import dataclass

TARGET_SLOTS: tuple[str, ...] = ("name", "area", "floor", "domain", "device_class")


@dataclass(frozen=True)
class IntentSpec:
    name: str
    description: str
    slots: tuple[str, ...] = ()
    targets_devices: bool = True
    """Whether the intent acts on (or asks about) devices in the registry."""
    changes_devices: bool = True
    """Whether carrying it out publishes commands (questions and timers do not)."""


INTENTS: dict[str, IntentSpec] = {
    spec.name: spec
    for spec in (
        # Home Assistant's own intents.
        IntentSpec("HassTurnOn", "turn on / open / lock / press / activate", TARGET_SLOTS),
        IntentSpec("HassTurnOff", "turn off / close / unlock", TARGET_SLOTS),
        IntentSpec("HassToggle", "toggle", TARGET_SLOTS),
        IntentSpec(
            "HassLightSet",
            "set light brightness percent, colour name, colour temperature in kelvin or effect",
            (*TARGET_SLOTS, "brightness", "color", "temperature", "effect"),
        ),
        IntentSpec("HassSetPosition", "set cover/valve position percent", (*TARGET_SLOTS, "position")),
        IntentSpec("HassStopCover", "stop a moving cover", TARGET_SLOTS),
        IntentSpec(
            "HassClimateSetTemperature", "set target temperature", (*TARGET_SLOTS, "temperature")
        ),
        IntentSpec("HassClimateSetFanMode", "set climate fan mode", (*TARGET_SLOTS, "fan_mode")),
        # No Home Assistant intent sets the swing yet; named in its style.
        IntentSpec("HassClimateSetSwingMode", "set climate swing (louvre) mode", (*TARGET_SLOTS, "swing_mode")),
        IntentSpec(
            "HassClimateGetTemperature", "ask the temperature", TARGET_SLOTS, changes_devices=False
        ),
        IntentSpec("HassGetState", "ask a device's state", (*TARGET_SLOTS, "state"), changes_devices=False),
        # `turn_on`: "turn on the fan at 50 percent", on and then the speed (fan.turn_on with a percentage).
        IntentSpec("HassFanSetSpeed", "set fan speed percent", (*TARGET_SLOTS, "percentage", "turn_on")),
        IntentSpec("HassVacuumStart", "start the vacuum", TARGET_SLOTS),
        IntentSpec("HassVacuumReturnToBase", "send the vacuum home", TARGET_SLOTS),
        IntentSpec("HassVacuumPause", "pause the vacuum", TARGET_SLOTS),
        IntentSpec("HassVacuumStop", "stop the vacuum", TARGET_SLOTS),
        IntentSpec("HassVacuumLocate", "make the vacuum beep to find it", TARGET_SLOTS),
        IntentSpec("HassVacuumSetFanSpeed", "set the vacuum's suction (fan speed)", (*TARGET_SLOTS, "fan_speed")),
        IntentSpec("HassLawnMowerStartMowing", "start mowing", TARGET_SLOTS),
        IntentSpec("HassLawnMowerDock", "dock the mower", TARGET_SLOTS),
        IntentSpec("HassMediaNext", "next track", TARGET_SLOTS),
        IntentSpec("HassMediaPrevious", "previous track", TARGET_SLOTS),
        IntentSpec("HassMediaPause", "pause media", TARGET_SLOTS),
        IntentSpec("HassMediaUnpause", "resume media", TARGET_SLOTS),
        IntentSpec("HassSetVolume", "set volume percent", (*TARGET_SLOTS, "volume_level")),
        IntentSpec("HassSetVolumeRelative", "volume up/down", (*TARGET_SLOTS, "volume_step")),
        IntentSpec(
            "HassStartTimer",
            "start a timer",
            ("hours", "minutes", "seconds", "name"),
            targets_devices=False,
            changes_devices=False,
        ),
        IntentSpec("HassCancelTimer", "cancel a timer", ("name",), False, False),
        IntentSpec("HassCancelAllTimers", "cancel all timers", (), False, False),
        IntentSpec("HassPauseTimer", "pause a timer", ("name",), False, False),
        IntentSpec("HassUnpauseTimer", "resume a timer", ("name",), False, False),
        IntentSpec(
            "HassIncreaseTimer", "add time to a timer", ("hours", "minutes", "seconds", "name"), False, False
        ),
        IntentSpec(
            "HassDecreaseTimer",
            "remove time from a timer",
            ("hours", "minutes", "seconds", "name"),
            False,
            False,
        ),
        IntentSpec("HassTimerStatus", "how long is left", ("name",), False, False),
        IntentSpec("HassGetCurrentTime", "what time is it", (), False, False),
        IntentSpec("HassGetCurrentDate", "what date is it", (), False, False),
        IntentSpec("HassNevermind", "never mind / cancel / stop", (), False, False),
        # Ours, for what Home Assistant's sentences lack.
        IntentSpec(
            "HassLightSetRelative",
            "brighter / dimmer; brightness_step is a signed percent",
            (*TARGET_SLOTS, "brightness_step"),
        ),
        IntentSpec(
            "HassClimateSetTemperatureRelative",
            "warmer / cooler; temperature_step is signed degrees",
            (*TARGET_SLOTS, "temperature_step"),
        ),
        IntentSpec(
            "HassClimateSetMode", "set climate hvac mode (heat, cool, auto, off...)", (*TARGET_SLOTS, "hvac_mode")
        ),
        IntentSpec(
            "HassSetPositionRelative", "open/close a bit; signed percent", (*TARGET_SLOTS, "position_step")
        ),
        IntentSpec(
            "HassFanSetSpeedRelative", "fan faster/slower; percentage_step signed", (*TARGET_SLOTS, "percentage_step")
        ),
        IntentSpec("HassFanSetPreset", "set fan preset mode", (*TARGET_SLOTS, "preset_mode")),
        IntentSpec("HassClimateSetPreset", "set a thermostat preset (eco, boost)", (*TARGET_SLOTS, "preset_mode")),
        IntentSpec("HassSelectOption", "choose a select option (drive mode, ...)", (*TARGET_SLOTS, "option")),
        IntentSpec("HassNumberSet", "set a number entity", (*TARGET_SLOTS, "value")),
        IntentSpec(
            "HassNumberSetRelative", "raise/lower a number entity; value_step signed", (*TARGET_SLOTS, "value_step")
        ),
        IntentSpec("HassTextSet", "send free text to a text entity", (*TARGET_SLOTS, "text")),
        IntentSpec("HassNavigate", "navigate to a spoken destination (car)", (*TARGET_SLOTS, "destination")),
        IntentSpec("HassButtonPress", "press a button", TARGET_SLOTS),
        IntentSpec("HassHumidifierSetHumidity", "set target humidity", (*TARGET_SLOTS, "humidity")),
        IntentSpec("HassHumidifierSetMode", "set a humidifier's mode (laundry, sleep...)", (*TARGET_SLOTS, "mode")),
        IntentSpec("HassWaterHeaterSetTemperature", "set water heater temperature", (*TARGET_SLOTS, "temperature")),
        IntentSpec("HassAlarmArm", "arm the alarm; arm_mode home/away/night", (*TARGET_SLOTS, "arm_mode")),
        IntentSpec("HassAlarmDisarm", "disarm the alarm", TARGET_SLOTS),
    )
}


def spec(name: str) -> IntentSpec | None:
    return INTENTS.get(name)
