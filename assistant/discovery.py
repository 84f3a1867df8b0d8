"""Home Assistant MQTT discovery messages and the `devices:` config list, turned into `Entity` objects.

Discovery payloads come from devices we do not control, so `parse_discovery` never raises: a bad
message is logged once (topic and reason) and ignored. The same checks raise `ValueError` for the
`devices:` list of the config file, where a mistake must stop the start-up.

Two topic shapes are understood, as Home Assistant does:

* per entity: `<prefix>/<component>/[<node_id>/]<object_id>/config`
* per device: `<prefix>/device/[<node_id>/]<object_id>/config`, a payload with `device`, `origin`
  and `components` (each component names its `platform`); options shared by all components
  (`state_topic`, `availability`...) are inherited unless the component sets them.

Each message replaces what its topic announced before; an empty payload (how a device removes
itself) announces nothing. `DiscoveryTracker` applies that to the registry.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from assistant.registry import COMPONENTS, SETTING_WORDS, Entity, Registry, normalize_name

_LOGGER = logging.getLogger(__name__)

MAX_PAYLOAD_BYTES = 64 * 1024
"""Discovery payloads larger than this are refused (a real one is a few kilobytes)."""

# Home Assistant's abbreviations (homeassistant/components/mqtt/abbreviations.py), including the
# ones for options it has since dropped, so old firmware keeps working.
ABBREVIATIONS: dict[str, str] = {
    "act_t": "action_topic",
    "act_tpl": "action_template",
    "atype": "automation_type",
    "aux_cmd_t": "aux_command_topic",
    "aux_stat_t": "aux_state_topic",
    "aux_stat_tpl": "aux_state_template",
    "av_tones": "available_tones",
    "avty": "availability",
    "avty_mode": "availability_mode",
    "avty_t": "availability_topic",
    "avty_tpl": "availability_template",
    "away_mode_cmd_t": "away_mode_command_topic",
    "away_mode_stat_t": "away_mode_state_topic",
    "away_mode_stat_tpl": "away_mode_state_template",
    "b_tpl": "blue_template",
    "bat_lev_t": "battery_level_topic",
    "bat_lev_tpl": "battery_level_template",
    "bri_cmd_t": "brightness_command_topic",
    "bri_cmd_tpl": "brightness_command_template",
    "bri_scl": "brightness_scale",
    "bri_stat_t": "brightness_state_topic",
    "bri_tpl": "brightness_template",
    "bri_val_tpl": "brightness_value_template",
    "chrg_t": "charging_topic",
    "chrg_tpl": "charging_template",
    "cln_t": "cleaning_topic",
    "cln_tpl": "cleaning_template",
    "clr_temp_cmd_t": "color_temp_command_topic",
    "clr_temp_cmd_tpl": "color_temp_command_template",
    "clr_temp_k": "color_temp_kelvin",
    "clr_temp_stat_t": "color_temp_state_topic",
    "clr_temp_tpl": "color_temp_template",
    "clr_temp_val_tpl": "color_temp_value_template",
    "clrm": "color_mode",
    "clrm_stat_t": "color_mode_state_topic",
    "clrm_val_tpl": "color_mode_value_template",
    "cmd_off_tpl": "command_off_template",
    "cmd_on_tpl": "command_on_template",
    "cmd_t": "command_topic",
    "cmd_tpl": "command_template",
    "cmps": "components",
    "cod_arm_req": "code_arm_required",
    "cod_dis_req": "code_disarm_required",
    "cod_trig_req": "code_trigger_required",
    "cont_type": "content_type",
    "curr_temp_t": "current_temperature_topic",
    "curr_temp_tpl": "current_temperature_template",
    "def_ent_id": "default_entity_id",
    "dev": "device",
    "dev_cla": "device_class",
    "dir_cmd_t": "direction_command_topic",
    "dir_cmd_tpl": "direction_command_template",
    "dir_stat_t": "direction_state_topic",
    "dir_val_tpl": "direction_value_template",
    "dock_t": "docked_topic",
    "dock_tpl": "docked_template",
    "dsp_prc": "display_precision",
    "e": "encoding",
    "en": "enabled_by_default",
    "ent_cat": "entity_category",
    "ent_pic": "entity_picture",
    "err_t": "error_topic",
    "err_tpl": "error_template",
    "evt_typ": "event_types",
    "exp_aft": "expire_after",
    "fan_mode_cmd_t": "fan_mode_command_topic",
    "fan_mode_cmd_tpl": "fan_mode_command_template",
    "fan_mode_stat_t": "fan_mode_state_topic",
    "fan_mode_stat_tpl": "fan_mode_state_template",
    "fanspd_lst": "fan_speed_list",
    "fanspd_t": "fan_speed_topic",
    "fanspd_tpl": "fan_speed_template",
    "flsh": "flash",
    "flsh_tlng": "flash_time_long",
    "flsh_tsht": "flash_time_short",
    "frc_upd": "force_update",
    "fx_cmd_t": "effect_command_topic",
    "fx_cmd_tpl": "effect_command_template",
    "fx_list": "effect_list",
    "fx_stat_t": "effect_state_topic",
    "fx_tpl": "effect_template",
    "fx_val_tpl": "effect_value_template",
    "g_tpl": "green_template",
    "hold_cmd_t": "hold_command_topic",
    "hold_cmd_tpl": "hold_command_template",
    "hold_stat_t": "hold_state_topic",
    "hold_stat_tpl": "hold_state_template",
    "hs_cmd_t": "hs_command_topic",
    "hs_cmd_tpl": "hs_command_template",
    "hs_stat_t": "hs_state_topic",
    "hs_val_tpl": "hs_value_template",
    "hum_cmd_t": "target_humidity_command_topic",
    "hum_cmd_tpl": "target_humidity_command_template",
    "hum_stat_t": "target_humidity_state_topic",
    "hum_state_tpl": "target_humidity_state_template",
    "ic": "icon",
    "img_e": "image_encoding",
    "img_t": "image_topic",
    "init": "initial",
    "json_attr": "json_attributes",
    "json_attr_t": "json_attributes_topic",
    "json_attr_tpl": "json_attributes_template",
    "l_ver_t": "latest_version_topic",
    "l_ver_tpl": "latest_version_template",
    "lrst_t": "last_reset_topic",
    "lrst_val_tpl": "last_reset_value_template",
    "max": "max",
    "max_hum": "max_humidity",
    "max_k": "max_kelvin",
    "max_mirs": "max_mireds",
    "max_temp": "max_temp",
    "migr_discvry": "migrate_discovery",
    "min": "min",
    "min_hum": "min_humidity",
    "min_k": "min_kelvin",
    "min_mirs": "min_mireds",
    "min_temp": "min_temp",
    "mode": "mode",
    "mode_cmd_t": "mode_command_topic",
    "mode_cmd_tpl": "mode_command_template",
    "mode_stat_t": "mode_state_topic",
    "mode_stat_tpl": "mode_state_template",
    "modes": "modes",
    "name": "name",
    "o": "origin",
    "obj_id": "object_id",
    "off_dly": "off_delay",
    "on_cmd_type": "on_command_type",
    "ops": "options",
    "opt": "optimistic",
    "osc_cmd_t": "oscillation_command_topic",
    "osc_cmd_tpl": "oscillation_command_template",
    "osc_stat_t": "oscillation_state_topic",
    "osc_val_tpl": "oscillation_value_template",
    "p": "platform",
    "pct_cmd_t": "percentage_command_topic",
    "pct_cmd_tpl": "percentage_command_template",
    "pct_stat_t": "percentage_state_topic",
    "pct_val_tpl": "percentage_value_template",
    "pl": "payload",
    "pl_arm_away": "payload_arm_away",
    "pl_arm_custom_b": "payload_arm_custom_bypass",
    "pl_arm_home": "payload_arm_home",
    "pl_arm_nite": "payload_arm_night",
    "pl_arm_vacation": "payload_arm_vacation",
    "pl_avail": "payload_available",
    "pl_cln_sp": "payload_clean_spot",
    "pl_cls": "payload_close",
    "pl_dir_fwd": "payload_direction_forward",
    "pl_dir_rev": "payload_direction_reverse",
    "pl_disarm": "payload_disarm",
    "pl_hi_spd": "payload_high_speed",
    "pl_home": "payload_home",
    "pl_inst": "payload_install",
    "pl_lo_spd": "payload_low_speed",
    "pl_loc": "payload_locate",
    "pl_lock": "payload_lock",
    "pl_med_spd": "payload_medium_speed",
    "pl_not_avail": "payload_not_available",
    "pl_not_home": "payload_not_home",
    "pl_off": "payload_off",
    "pl_off_spd": "payload_off_speed",
    "pl_on": "payload_on",
    "pl_open": "payload_open",
    "pl_osc_off": "payload_oscillation_off",
    "pl_osc_on": "payload_oscillation_on",
    "pl_paus": "payload_pause",
    "pl_prs": "payload_press",
    "pl_ret": "payload_return_to_base",
    "pl_rst": "payload_reset",
    "pl_rst_hum": "payload_reset_humidity",
    "pl_rst_mode": "payload_reset_mode",
    "pl_rst_pct": "payload_reset_percentage",
    "pl_rst_pr_mode": "payload_reset_preset_mode",
    "pl_stop": "payload_stop",
    "pl_stop_tilt": "payload_stop_tilt",
    "pl_stpa": "payload_start_pause",
    "pl_strt": "payload_start",
    "pl_toff": "payload_turn_off",
    "pl_ton": "payload_turn_on",
    "pl_trig": "payload_trigger",
    "pl_unlk": "payload_unlock",
    "pos": "reports_position",
    "pos_clsd": "position_closed",
    "pos_open": "position_open",
    "pos_t": "position_topic",
    "pos_tpl": "position_template",
    "pow_cmd_t": "power_command_topic",
    "pow_stat_t": "power_state_topic",
    "pow_stat_tpl": "power_state_template",
    "pr_mode_cmd_t": "preset_mode_command_topic",
    "pr_mode_cmd_tpl": "preset_mode_command_template",
    "pr_mode_stat_t": "preset_mode_state_topic",
    "pr_mode_val_tpl": "preset_mode_value_template",
    "pr_modes": "preset_modes",
    "ptrn": "pattern",
    "r_tpl": "red_template",
    "rel_s": "release_summary",
    "rel_u": "release_url",
    "ret": "retain",
    "rgb_cmd_t": "rgb_command_topic",
    "rgb_cmd_tpl": "rgb_command_template",
    "rgb_stat_t": "rgb_state_topic",
    "rgb_val_tpl": "rgb_value_template",
    "rgbw_cmd_t": "rgbw_command_topic",
    "rgbw_cmd_tpl": "rgbw_command_template",
    "rgbw_stat_t": "rgbw_state_topic",
    "rgbw_val_tpl": "rgbw_value_template",
    "rgbww_cmd_t": "rgbww_command_topic",
    "rgbww_cmd_tpl": "rgbww_command_template",
    "rgbww_stat_t": "rgbww_state_topic",
    "rgbww_val_tpl": "rgbww_value_template",
    "send_cmd_t": "send_command_topic",
    "send_if_off": "send_if_off",
    "set_fan_spd_t": "set_fan_speed_topic",
    "set_pos_t": "set_position_topic",
    "set_pos_tpl": "set_position_template",
    "spd_cmd_t": "speed_command_topic",
    "spd_rng_max": "speed_range_max",
    "spd_rng_min": "speed_range_min",
    "spd_stat_t": "speed_state_topic",
    "spd_val_tpl": "speed_value_template",
    "spds": "speeds",
    "src_type": "source_type",
    "stat_cla": "state_class",
    "stat_closing": "state_closing",
    "stat_clsd": "state_closed",
    "stat_jam": "state_jammed",
    "stat_locked": "state_locked",
    "stat_locking": "state_locking",
    "stat_off": "state_off",
    "stat_on": "state_on",
    "stat_open": "state_open",
    "stat_opening": "state_opening",
    "stat_stopped": "state_stopped",
    "stat_t": "state_topic",
    "stat_tpl": "state_template",
    "stat_unlocked": "state_unlocked",
    "stat_unlocking": "state_unlocking",
    "stat_val_tpl": "state_value_template",
    "step": "step",
    "stype": "subtype",
    "sug_dsp_prc": "suggested_display_precision",
    "sup_clrm": "supported_color_modes",
    "sup_dur": "support_duration",
    "sup_feat": "supported_features",
    "sup_vol": "support_volume_set",
    "swing_mode_cmd_t": "swing_mode_command_topic",
    "swing_mode_cmd_tpl": "swing_mode_command_template",
    "swing_mode_stat_t": "swing_mode_state_topic",
    "swing_mode_stat_tpl": "swing_mode_state_template",
    "t": "topic",
    "temp_cmd_t": "temperature_command_topic",
    "temp_cmd_tpl": "temperature_command_template",
    "temp_hi_cmd_t": "temperature_high_command_topic",
    "temp_hi_cmd_tpl": "temperature_high_command_template",
    "temp_hi_stat_t": "temperature_high_state_topic",
    "temp_hi_stat_tpl": "temperature_high_state_template",
    "temp_lo_cmd_t": "temperature_low_command_topic",
    "temp_lo_cmd_tpl": "temperature_low_command_template",
    "temp_lo_stat_t": "temperature_low_state_topic",
    "temp_lo_stat_tpl": "temperature_low_state_template",
    "temp_stat_t": "temperature_state_topic",
    "temp_stat_tpl": "temperature_state_template",
    "temp_unit": "temperature_unit",
    "tilt_clsd_val": "tilt_closed_value",
    "tilt_cmd_t": "tilt_command_topic",
    "tilt_cmd_tpl": "tilt_command_template",
    "tilt_inv_stat": "tilt_invert_state",
    "tilt_max": "tilt_max",
    "tilt_min": "tilt_min",
    "tilt_opnd_val": "tilt_opened_value",
    "tilt_opt": "tilt_optimistic",
    "tilt_status_t": "tilt_status_topic",
    "tilt_status_tpl": "tilt_status_template",
    "tit": "title",
    "trns": "transition",
    "uniq_id": "unique_id",
    "unit_of_meas": "unit_of_measurement",
    "url_t": "url_topic",
    "url_tpl": "url_template",
    "val_tpl": "value_template",
    "whit_cmd_t": "white_command_topic",
    "whit_scl": "white_scale",
    "whit_val_cmd_t": "white_value_command_topic",
    "whit_val_scl": "white_value_scale",
    "whit_val_stat_t": "white_value_state_topic",
    "whit_val_tpl": "white_value_template",
    "xy_cmd_t": "xy_command_topic",
    "xy_cmd_tpl": "xy_command_template",
    "xy_stat_t": "xy_state_topic",
    "xy_val_tpl": "xy_value_template",
}

DEVICE_ABBREVIATIONS: dict[str, str] = {
    "cns": "connections",
    "cu": "configuration_url",
    "hw": "hw_version",
    "ids": "identifiers",
    "mdl": "model",
    "mdl_id": "model_id",
    "mf": "manufacturer",
    "name": "name",
    "sa": "suggested_area",
    "sn": "serial_number",
    "sw": "sw_version",
}

ORIGIN_ABBREVIATIONS: dict[str, str] = {"name": "name", "sw": "sw_version", "url": "support_url"}

# Platforms Home Assistant's MQTT integration knows that the assistant neither drives nor reads;
# their discovery messages are ignored quietly (a Zigbee2MQTT install sends hundreds).
IGNORED_COMPONENTS: frozenset[str] = frozenset(
    {"camera", "device_automation", "device_tracker", "event", "image", "notify", "tag", "update"}
)

# Options of a device-based payload that its components inherit (HA's SHARED_OPTIONS, plus `~`).
_SHARED_OPTIONS: tuple[str, ...] = (
    "~",
    "availability",
    "availability_mode",
    "availability_template",
    "availability_topic",
    "command_topic",
    "encoding",
    "payload_available",
    "payload_not_available",
    "qos",
    "state_topic",
)

# What a platform needs to be of any use: every key of each tuple in `_REQUIRED_ALL`, and at least
# one key of the tuple in `_REQUIRED_ANY`.
_REQUIRED_ALL: dict[str, tuple[str, ...]] = {
    "alarm_control_panel": ("command_topic", "state_topic"),
    "binary_sensor": ("state_topic",),
    "button": ("command_topic",),
    "fan": ("command_topic",),
    "humidifier": ("command_topic", "target_humidity_command_topic"),
    "light": ("command_topic",),
    "lock": ("command_topic",),
    "number": ("command_topic",),
    "scene": ("command_topic",),
    "select": ("command_topic", "options"),
    "sensor": ("state_topic",),
    "siren": ("command_topic",),
    "switch": ("command_topic",),
    "text": ("command_topic",),
    "valve": ("command_topic",),
}
_REQUIRED_ANY: dict[str, tuple[str, ...]] = {
    "climate": (
        "mode_command_topic",
        "temperature_command_topic",
        "temperature_low_command_topic",
        "temperature_high_command_topic",
        "fan_mode_command_topic",
        "preset_mode_command_topic",
        "swing_mode_command_topic",
        "power_command_topic",
        "target_humidity_command_topic",
        "current_temperature_topic",
    ),
    "cover": ("command_topic", "set_position_topic", "tilt_command_topic"),
    "lawn_mower": ("start_mowing_command_topic", "pause_command_topic", "dock_command_topic"),
    "vacuum": ("command_topic", "send_command_topic", "set_fan_speed_topic"),
    "water_heater": (
        "mode_command_topic",
        "temperature_command_topic",
        "power_command_topic",
        "current_temperature_topic",
    ),
}

# Keys whose values are payloads or state strings; HA accepts numbers there and compares as text.
_PAYLOAD_KEY = re.compile(r"^(payload_\w+|state_(on|off|open|opening|closed|closing|stopped|locked|"
                          r"unlocked|locking|unlocking|jammed))$")
_NUMBER_KEYS: frozenset[str] = frozenset(
    {
        "brightness_scale",
        "position_open",
        "position_closed",
        "tilt_min",
        "tilt_max",
        "speed_range_min",
        "speed_range_max",
        "min",
        "max",
        "step",
        "min_temp",
        "max_temp",
        "min_humidity",
        "max_humidity",
        "min_mireds",
        "max_mireds",
        "min_kelvin",
        "max_kelvin",
    }
)
_TOPIC_MATCHER = re.compile(
    r"^(?P<component>\w+)/(?:(?P<node_id>[a-zA-Z0-9_-]+)/)?(?P<object_id>[a-zA-Z0-9_-]+)/config$"
)
_SLUG = re.compile(r"[^a-z0-9_]+")


@dataclass(frozen=True)
class DiscoveryResult:
    """What one discovery message announces.

    A message replaces whatever its topic announced before. `entities` is empty when the message
    removes it all: an empty (retained) payload, or a device payload whose components are all
    reduced to their platform (Home Assistant's way of deleting a component).
    """

    topic: str
    entities: tuple[Entity, ...]

    @property
    def removes(self) -> bool:
        return not self.entities


@dataclass
class DiscoveryChange:
    """What applying a `DiscoveryResult` changed in the registry."""

    announced: list[Entity] = field(default_factory=list)
    removed: list[Entity] = field(default_factory=list)


class DiscoveryTracker:
    """Remembers which discovery topic announced which entities, so removals find them.

    Owned by the thread that owns the registry.
    """

    def __init__(self) -> None:
        self._by_topic: dict[str, tuple[str, ...]] = {}
        self._owner: dict[str, str] = {}

    def apply(self, result: DiscoveryResult, registry: Registry) -> DiscoveryChange:
        change = DiscoveryChange()
        previous = self._by_topic.pop(result.topic, ())
        current = tuple(entity.unique_id for entity in result.entities)
        for unique_id in previous:
            if unique_id not in current and self._owner.get(unique_id) == result.topic:
                del self._owner[unique_id]
                removed = registry.remove(unique_id)
                if removed is not None:
                    change.removed.append(removed)
        for entity in result.entities:
            self._owner[entity.unique_id] = result.topic
            change.announced.append(registry.upsert(entity))
        if current:
            self._by_topic[result.topic] = current
        return change


class _Invalid(ValueError):
    """A discovery payload or config item that cannot become an entity; the message says why."""


def parse_discovery(topic: str, payload: bytes, prefix: str = "homeassistant") -> DiscoveryResult | None:
    """The entities a discovery message announces, or None if it is not one we can use.

    Never raises: invalid messages are logged (one warning naming the topic and the reason) and
    give None, which means "change nothing".
    """
    if not topic.startswith(prefix + "/"):
        return None
    match = _TOPIC_MATCHER.match(topic[len(prefix) + 1 :])
    if match is None:
        if topic.endswith("/config"):
            _LOGGER.warning("Ignored MQTT discovery message on %s: not a valid discovery topic", topic)
        return None
    component, node_id, object_id = match.group("component", "node_id", "object_id")
    if component in IGNORED_COMPONENTS:
        _LOGGER.debug("Ignored MQTT discovery message on %s: %s entities are not used", topic, component)
        return None
    if component != "device" and component not in COMPONENTS:
        _LOGGER.warning("Ignored MQTT discovery message on %s: unknown component %r", topic, component)
        return None
    if not payload:
        return DiscoveryResult(topic, ())
    try:
        document = _decode(payload)
        if component == "device":
            entities = _device_entities(topic, document, object_id)
        else:
            entities = (_entity(component, expand_abbreviations(document), node_id, object_id),)
    except _Invalid as err:
        _LOGGER.warning("Ignored MQTT discovery message on %s: %s", topic, err)
        return None
    if entities is None:
        return None
    return DiscoveryResult(topic, entities)


def entities_from_config(devices: list[dict[str, Any]], source: str) -> list[Entity]:
    """Entities for the `devices:` list of the config file.

    Each item is a discovery payload (full or abbreviated keys) plus `platform:` (the component)
    and optionally `area:` and `aliases:`. Raises ValueError naming the file, the item and the
    problem.
    """
    if not isinstance(devices, list):
        raise ValueError(f"{source}: devices: must be a list of devices, got {type(devices).__name__}")
    entities: list[Entity] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(devices):
        where = f"{source}: devices[{index}]"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: must be a mapping of discovery options, got {type(item).__name__}")
        try:
            entity = _config_entity(item)
        except _Invalid as err:
            raise ValueError(f"{where}: {err}") from err
        if entity.unique_id in seen:
            first = seen[entity.unique_id]
            raise ValueError(f"{where}: unique_id {entity.unique_id!r} is already used by devices[{first}]")
        seen[entity.unique_id] = index
        entities.append(entity)
    return entities


def expand_abbreviations(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a discovery payload with every abbreviated key spelled out.

    A full key wins over its abbreviation when both are given. The device, origin, availability
    items and (device-based discovery) components are expanded too.
    """
    expanded = _expand_component(payload)
    if isinstance(expanded.get("device"), Mapping):
        expanded["device"] = _expand(expanded["device"], DEVICE_ABBREVIATIONS)
    if isinstance(expanded.get("origin"), Mapping):
        expanded["origin"] = _expand(expanded["origin"], ORIGIN_ABBREVIATIONS)
    components = expanded.get("components")
    if isinstance(components, Mapping):
        expanded["components"] = {
            key: _expand_component(value) if isinstance(value, Mapping) else value
            for key, value in components.items()
        }
    return expanded


def _expand_component(component: Mapping[str, Any]) -> dict[str, Any]:
    expanded = _expand(component, ABBREVIATIONS)
    availability = expanded.get("availability")
    if isinstance(availability, Mapping):
        availability = [availability]
    if isinstance(availability, list):
        expanded["availability"] = [
            _expand(item, ABBREVIATIONS) if isinstance(item, Mapping) else item for item in availability
        ]
    return expanded


def _expand(payload: Mapping[str, Any], table: Mapping[str, str]) -> dict[str, Any]:
    expanded = {key: value for key, value in payload.items() if key not in table or table[key] == key}
    for key, value in payload.items():
        full = table.get(key)
        if full is not None and full != key:
            expanded.setdefault(full, value)
    return expanded


def _decode(payload: bytes) -> dict[str, Any]:
    if len(payload) > MAX_PAYLOAD_BYTES:
        raise _Invalid(f"payload is {len(payload)} bytes, more than the {MAX_PAYLOAD_BYTES} allowed")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as err:
        raise _Invalid(f"payload is not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        raise _Invalid(f"payload is not JSON ({err.msg} at line {err.lineno} column {err.colno})") from None
    if not isinstance(document, dict):
        raise _Invalid(f"payload must be a JSON object, got {_json_type(document)}")
    return document


def _device_entities(topic: str, document: dict[str, Any], object_id: str) -> tuple[Entity, ...] | None:
    payload = expand_abbreviations(document)
    device = payload.get("device")
    components = payload.get("components")
    if not isinstance(device, dict):
        raise _Invalid("a device discovery payload needs a `device` (`dev`) object")
    if not isinstance(components, dict):
        raise _Invalid("a device discovery payload needs a `components` (`cmps`) object")
    entities: list[Entity] = []
    invalid = 0
    for component_id, config in components.items():
        try:
            entity = _device_component(payload, str(component_id), config, object_id)
        except _Invalid as err:
            invalid += 1
            _LOGGER.warning(
                "Ignored component %r of MQTT discovery message on %s: %s", component_id, topic, err
            )
            continue
        if entity is not None:
            entities.append(entity)
    if invalid and not entities:
        return None
    return tuple(entities)


def _device_component(
    payload: dict[str, Any], component_id: str, config: Any, device_object_id: str
) -> Entity | None:
    if not isinstance(config, dict):
        raise _Invalid(f"must be a JSON object, got {_json_type(config)}")
    platform = config.get("platform")
    if not isinstance(platform, str):
        raise _Invalid("needs a `platform` (`p`) naming its component")
    if platform in IGNORED_COMPONENTS:
        return None
    if platform not in COMPONENTS:
        raise _Invalid(f"unknown platform {platform!r}")
    if set(config) == {"platform"}:
        return None
    merged = dict(config)
    del merged["platform"]
    for option in _SHARED_OPTIONS:
        if option in payload and option not in merged:
            merged[option] = payload[option]
    merged["device"] = payload["device"]
    if "origin" in payload:
        merged["origin"] = payload["origin"]
    return _entity(platform, merged, device_object_id, component_id)


def _config_entity(item: dict[str, Any]) -> Entity:
    payload = expand_abbreviations(item)
    component = payload.pop("platform", None)
    if not isinstance(component, str):
        raise _Invalid("needs `platform:` naming the component (light, switch, cover, ...)")
    if component not in COMPONENTS:
        raise _Invalid(f"unknown platform {component!r}; use one of {', '.join(sorted(COMPONENTS))}")
    area = payload.pop("area", None)
    aliases = payload.pop("aliases", [])
    if area is not None and not isinstance(area, str):
        raise _Invalid(f"area: must be text, got {_json_type(area)}")
    if not isinstance(aliases, list) or not all(isinstance(alias, str) for alias in aliases):
        raise _Invalid("aliases: must be a list of names")
    object_id = _object_id_from_payload(payload)
    if object_id is None:
        name = payload.get("name")
        unique_id = payload.get("unique_id")
        source = name if isinstance(name, str) and name else unique_id
        if not isinstance(source, str | int) or not _slug(str(source)):
            raise _Invalid("needs `name:`, `object_id:` or `unique_id:` to name the entity")
        object_id = _slug(str(source))
    entity = _entity(component, payload, None, object_id, area=area)
    entity.aliases.extend(alias for alias in aliases if alias not in entity.aliases)
    return entity


def _entity(
    component: str,
    config: dict[str, Any],
    node_id: str | None,
    topic_object_id: str,
    *,
    area: str | None = None,
) -> Entity:
    """Validate an expanded payload of one component and build its entity."""
    config = dict(config)
    if "~" in config:
        _substitute_base(config)
    _check_types(config)
    _check_required(component, config)

    device = config.get("device") or {}
    device_name = device.get("name")
    object_id = _object_id_from_payload(config) or topic_object_id
    unique_id = config.get("unique_id")
    if unique_id is None:
        suffix = f"{node_id}_{topic_object_id}" if node_id else topic_object_id
        unique_id = f"{component}.{suffix}"
    where = area if area is not None else device.get("suggested_area")
    name, aliases = _names(config.get("name"), device_name, object_id)
    aliases += _without_location(name, where)
    device_class = config.get("device_class")
    return Entity(
        unique_id=str(unique_id),
        component=component,
        object_id=object_id,
        name=name,
        config=config,
        area=area if area is not None else device.get("suggested_area"),
        aliases=aliases,
        device_name=device_name,
        device_class=device_class,
    )


def _names(entity_name: str | None, device_name: str | None, object_id: str) -> tuple[str, list[str]]:
    """Home Assistant's naming: "<device> <entity>", the entity's own name kept as an alias unless
    it only says what is measured or set: the "Rear Climate" device's "Temperature" number is not
    "the temperature" of every command about the heating."""
    if not entity_name:
        return (device_name or object_id.replace("_", " ")), []
    if not device_name:
        return entity_name, []
    device_words = normalize_name(device_name).split()
    if normalize_name(entity_name).split()[: len(device_words)] == device_words:
        return entity_name, []
    own = normalize_name(entity_name).split()
    return f"{device_name} {entity_name}", [] if set(own) <= SETTING_WORDS | _KIND_ONLY else [entity_name]


_KIND_ONLY = frozenset(
    "light lights lamp switch dimmer relay plug socket outlet window lock fan left right front rear middle".split()
)
"""An entity's own name that only says what kind of device it is ("Light", "Switch", "Dimmer"
under Z-Wave JS UI) or which side it is on ("Left" of the "Child Locks") is no name of its own:
"the light" stays every light of the room, "the left reading light" is not the child lock."""


def _without_location(name: str, area: str | None) -> list[str]:
    """Z-Wave JS UI names devices "<location>-<name>": "Porch-Porch Light Switch" is also the
    "Porch Light Switch"."""
    location, dash, rest = name.partition("-")
    if not dash or not area or normalize_name(location) != normalize_name(area) or not rest.strip():
        return []
    return [rest.strip()]


def _object_id_from_payload(config: Mapping[str, Any]) -> str | None:
    object_id = config.get("object_id")
    if isinstance(object_id, str) and object_id:
        return object_id
    default_entity_id = config.get("default_entity_id")
    if isinstance(default_entity_id, str) and default_entity_id:
        return default_entity_id.split(".", 1)[-1]
    return None


def _substitute_base(config: dict[str, Any]) -> None:
    """Replace `~` at the start or end of every `*_topic` value (and availability topics)."""
    base = config.pop("~")
    if not isinstance(base, str):
        raise _Invalid(f"`~` must be a topic string, got {_json_type(base)}")
    for key, value in config.items():
        if key.endswith("topic") and isinstance(value, str):
            config[key] = _with_base(value, base)
    availability = config.get("availability")
    if isinstance(availability, list):
        config["availability"] = [
            {**item, "topic": _with_base(item["topic"], base)}
            if isinstance(item, dict) and isinstance(item.get("topic"), str)
            else item
            for item in availability
        ]


def _with_base(value: str, base: str) -> str:
    if value.startswith("~"):
        value = base + value[1:]
    if value.endswith("~"):
        value = value[:-1] + base
    return value


_NULLABLE_PAYLOADS = frozenset({"payload_open", "payload_close", "payload_stop"})
"""Payloads Home Assistant lets a cover (or lock) set to null: that command is not supported."""

_NUMERIC_TEXT = re.compile(r"-?\d+(?:\.\d+)?")


def _check_types(config: dict[str, Any]) -> None:
    for key, value in config.items():
        if key.endswith("_topic"):
            _check_topic(key, value)
        elif _PAYLOAD_KEY.match(key):
            if value is None and key in _NULLABLE_PAYLOADS:
                continue
            if isinstance(value, bool | int | float):
                config[key] = str(value)
            elif not isinstance(value, str):
                raise _Invalid(f"{key} must be text, got {_json_type(value)}")
        elif key in _NUMBER_KEYS and isinstance(value, str) and _NUMERIC_TEXT.fullmatch(value.strip()):
            # Home Assistant coerces these (vol.Coerce(float)); Zigbee2MQTT sends "min_temp": "5".
            number = float(value)
            config[key] = int(number) if number.is_integer() else number
        elif key in _NUMBER_KEYS and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _Invalid(f"{key} must be a number, got {_json_type(value)}")
    name = config.get("name")
    if name is not None and not isinstance(name, str):
        raise _Invalid(f"name must be text or null, got {_json_type(name)}")
    unique_id = config.get("unique_id")
    if unique_id is not None and (isinstance(unique_id, bool) or not isinstance(unique_id, str | int)):
        raise _Invalid(f"unique_id must be text, got {_json_type(unique_id)}")
    for key in ("object_id", "default_entity_id", "device_class"):
        if config.get(key) is not None and not isinstance(config[key], str):
            raise _Invalid(f"{key} must be text, got {_json_type(config[key])}")
    device = config.get("device")
    if device is not None:
        if not isinstance(device, dict):
            raise _Invalid(f"device must be an object, got {_json_type(device)}")
        for key in ("name", "suggested_area"):
            if device.get(key) is not None and not isinstance(device[key], str):
                raise _Invalid(f"device.{key} must be text or null, got {_json_type(device[key])}")
    availability = config.get("availability")
    if availability is not None:
        if isinstance(availability, dict):
            availability = config["availability"] = [availability]
        if not isinstance(availability, list):
            raise _Invalid(f"availability must be a list, got {_json_type(availability)}")
        for index, item in enumerate(availability):
            if not isinstance(item, dict):
                raise _Invalid(f"availability[{index}] must be an object, got {_json_type(item)}")
            _check_topic(f"availability[{index}].topic", item.get("topic"))
    options = config.get("options")
    if options is not None and not (isinstance(options, list) and all(isinstance(o, str) for o in options)):
        raise _Invalid("options must be a list of texts")


def _check_topic(key: str, value: Any) -> None:
    if not isinstance(value, str):
        raise _Invalid(f"{key} must be a topic string, got {_json_type(value)}")
    if not value:
        raise _Invalid(f"{key} is empty")
    if "command" in key or key in {"set_position_topic", "set_fan_speed_topic"}:
        if "+" in value or "#" in value:
            raise _Invalid(f"{key} {value!r} contains a wildcard; a command topic cannot")


def _check_required(component: str, config: dict[str, Any]) -> None:
    missing = [key for key in _REQUIRED_ALL.get(component, ()) if key not in config]
    if missing:
        raise _Invalid(f"a {component} needs {' and '.join(missing)}")
    any_of = _REQUIRED_ANY.get(component)
    if any_of and not any(key in config for key in any_of):
        raise _Invalid(f"a {component} needs at least one of {', '.join(any_of)}")


def _slug(text: str) -> str:
    return _SLUG.sub("_", normalize_name(text)).strip("_")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__

