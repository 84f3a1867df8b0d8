"""State messages from devices -> `entity.state`, the way Home Assistant reads them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from assistant.device_state import apply_state, extract
from assistant.discovery import parse_discovery
from assistant.registry import Entity

# Each case: an entity (component + expanded discovery config), the messages that arrive on its
# topics (config key naming the topic, payload), and the state the assistant must then know.
CASES = yaml.safe_load(
    r"""
- id: light default schema, custom payloads, brightness on the device's scale
  component: light
  config: {command_topic: l/set, state_topic: l/state, payload_on: "1", payload_off: "0",
           brightness_state_topic: l/bri, brightness_scale: 100, rgb_state_topic: l/rgb,
           color_temp_state_topic: l/ct}
  messages: [[state_topic, "1"], [brightness_state_topic, "40"], [rgb_state_topic, "255,128,0"],
             [color_temp_state_topic, "370"]]
  expect: {state: "on", brightness: 40, rgb: [255, 128, 0], color_temp: 370}

- id: light default schema with value templates (Zigbee2MQTT-like JSON on one topic)
  component: light
  config: {command_topic: l/set, state_topic: z/lamp, state_value_template: "{{ value_json.state }}",
           brightness_state_topic: z/lamp, brightness_value_template: "{{ value_json.brightness }}"}
  messages: [[state_topic, '{"state": "OFF", "brightness": 12}'],
             [brightness_state_topic, '{"state": "OFF", "brightness": 12}']]
  expect: {state: "off", brightness: 12}

- id: light json schema
  component: light
  config: {command_topic: l/set, state_topic: l/state, schema: json, brightness_scale: 255}
  messages: [[state_topic, '{"state": "ON", "brightness": 200, "color_mode": "rgb",
                             "color": {"r": 10, "g": 20, "b": 30}, "color_temp": 250}']]
  expect: {state: "on", brightness: 200, color_mode: rgb, rgb: [10, 20, 30], color_temp: 250}

- id: light json schema, hs colour, state only
  component: light
  config: {command_topic: l/set, state_topic: l/state, schema: json}
  messages: [[state_topic, '{"state": "ON", "brightness": 1}'], [state_topic, '{"state": "OFF"}'],
             [state_topic, '{"color": {"h": 120.5, "s": 50}}']]
  expect: {state: "off", brightness: 1, hs: [120.5, 50]}

- id: light template schema
  component: light
  config: {command_topic: l/set, state_topic: l/state, schema: template, command_on_template: "on",
           command_off_template: "off", state_template: "{{ value.split(',')[0] }}",
           brightness_template: "{{ value_json.bri }}"}
  messages: [[state_topic, '{"bri": 77}']]
  expect: {brightness: 77}

- id: switch with state_on / state_off
  component: switch
  config: {command_topic: s/set, state_topic: s/state, payload_on: "turn_on", payload_off: "turn_off",
           state_on: "running", state_off: "stopped"}
  messages: [[state_topic, running]]
  expect: {state: "on"}

- id: switch falls back to payload_on, "None" means unknown
  component: switch
  config: {command_topic: s/set, state_topic: s/state}
  messages: [[state_topic, "ON"], [state_topic, "None"]]
  expect: {state: null}

- id: cover states and position scaled to percent (0-255 device)
  component: cover
  config: {command_topic: c/set, state_topic: c/state, position_topic: c/pos, position_open: 255,
           position_closed: 0, state_opening: "up", state_closing: "down"}
  messages: [[state_topic, up], [position_topic, "64"]]
  expect: {state: opening, position: 25}

- id: cover stopped becomes open or closed from the position
  component: cover
  config: {command_topic: c/set, state_topic: c/state, position_topic: c/pos}
  messages: [[position_topic, "0"], [state_topic, closing], [state_topic, stopped]]
  expect: {state: closed, position: 0}

- id: cover with an inverted position range and no state topic
  component: cover
  config: {command_topic: c/set, position_topic: c/pos, position_open: 0, position_closed: 100,
           position_template: "{{ value_json.position }}"}
  messages: [[position_topic, '{"position": 30}']]
  expect: {state: open, position: 70}

- id: cover tilt
  component: cover
  config: {command_topic: c/set, tilt_status_topic: c/tilt, tilt_min: 0, tilt_max: 180}
  messages: [[tilt_status_topic, "90"]]
  expect: {tilt_position: 50}

- id: climate temperatures, modes and fan
  component: climate
  config: {mode_command_topic: h/mode/set, current_temperature_topic: h/cur,
           temperature_state_topic: h/target, mode_state_topic: h/mode, fan_mode_state_topic: h/fan,
           preset_mode_state_topic: h/preset,
           action_topic: h/action, current_temperature_template: "{{ value_json.temp }}"}
  messages: [[current_temperature_topic, '{"temp": 19.5}'], [temperature_state_topic, "21"],
             [mode_state_topic, heat], [fan_mode_state_topic, low], [preset_mode_state_topic, eco],
             [action_topic, heating]]
  expect: {current_temperature: 19.5, temperature: 21, state: heat, hvac_mode: heat, fan_mode: low,
           preset_mode: eco, hvac_action: heating}

- id: climate ignores a mode it does not offer
  component: climate
  config: {mode_command_topic: h/mode/set, mode_state_topic: h/mode, modes: ["off", heat]}
  messages: [[mode_state_topic, heat], [mode_state_topic, cool]]
  expect: {state: heat}

- id: fan state, speed range 1-3 as percent, preset, oscillation
  component: fan
  config: {command_topic: f/set, state_topic: f/state, percentage_state_topic: f/speed, speed_range_min: 1,
           speed_range_max: 3, preset_mode_state_topic: f/preset, oscillation_state_topic: f/osc}
  messages: [[state_topic, "ON"], [percentage_state_topic, "2"], [preset_mode_state_topic, breeze],
             [oscillation_state_topic, oscillate_on]]
  expect: {state: "on", percentage: 66, preset_mode: breeze, oscillating: true}

- id: fan percentage reset
  component: fan
  config: {command_topic: f/set, percentage_state_topic: f/speed}
  messages: [[percentage_state_topic, "100"], [percentage_state_topic, "None"]]
  expect: {percentage: null}

- id: lock states with custom payloads
  component: lock
  config: {command_topic: k/set, state_topic: k/state, state_locked: "LCK", state_jammed: "JAM"}
  messages: [[state_topic, LCK]]
  expect: {state: locked}

- id: lock jammed
  component: lock
  config: {command_topic: k/set, state_topic: k/state, state_jammed: "JAM"}
  messages: [[state_topic, UNLOCKED], [state_topic, JAM]]
  expect: {state: jammed}

- id: valve reporting its position
  component: valve
  config: {command_topic: v/set, state_topic: v/state, reports_position: true}
  messages: [[state_topic, "35"]]
  expect: {state: open, position: 35}

- id: valve JSON state with position
  component: valve
  config: {command_topic: v/set, state_topic: v/state, reports_position: true}
  messages: [[state_topic, '{"state": "closing", "position": 10}']]
  expect: {state: closing, position: 10}

- id: select keeps only known options
  component: select
  config: {command_topic: m/set, state_topic: m/state, options: [eco, comfort, sport]}
  messages: [[state_topic, sport], [state_topic, warp]]
  expect: {state: sport}

- id: number with a template and a reset
  component: number
  config: {command_topic: n/set, state_topic: n/state, value_template: "{{ value_json['level'] }}"}
  messages: [[state_topic, '{"level": 7.5}']]
  expect: {state: 7.5}

- id: text
  component: text
  config: {command_topic: t/set, state_topic: t/state}
  messages: [[state_topic, "Hello there"]]
  expect: {state: Hello there}

- id: vacuum JSON state
  component: vacuum
  config: {command_topic: vac/cmd, state_topic: vac/state}
  messages: [[state_topic, '{"state": "cleaning", "battery_level": 61, "fan_speed": "max"}']]
  expect: {state: cleaning, battery_level: 61, fan_speed: max}

- id: humidifier
  component: humidifier
  config: {command_topic: hu/set, target_humidity_command_topic: hu/t/set, state_topic: hu/state,
           target_humidity_state_topic: hu/target, mode_state_topic: hu/mode, current_humidity_topic: hu/cur}
  messages: [[state_topic, "ON"], [target_humidity_state_topic, "45"], [mode_state_topic, sleep],
             [current_humidity_topic, "52.5"]]
  expect: {state: "on", humidity: 45, mode: sleep, current_humidity: 52.5}

- id: water heater
  component: water_heater
  config: {mode_command_topic: w/mode/set, current_temperature_topic: w/cur, temperature_state_topic: w/t,
           mode_state_topic: w/mode}
  messages: [[current_temperature_topic, "48"], [temperature_state_topic, "55"], [mode_state_topic, eco]]
  expect: {current_temperature: 48, temperature: 55, state: eco, mode: eco}

- id: siren with JSON state
  component: siren
  config: {command_topic: si/set, state_topic: si/state}
  messages: [[state_topic, '{"state": "ON", "tone": "ping"}']]
  expect: {state: "on"}

- id: sensor value and unit
  component: sensor
  config: {state_topic: s/t, unit_of_measurement: "°C", value_template: "{{ value_json.AM2301.Temperature }}"}
  messages: [[state_topic, '{"AM2301": {"Temperature": 21.4, "Humidity": 40}}']]
  expect: {state: 21.4, unit: "°C"}

- id: sensor text value
  component: sensor
  config: {state_topic: s/t, device_class: enum}
  messages: [[state_topic, "washing"]]
  expect: {state: washing}

- id: binary sensor
  component: binary_sensor
  config: {state_topic: b/s, payload_on: "open", payload_off: "closed",
           value_template: "{{ value_json.contact | lower }}"}
  messages: [[state_topic, '{"contact": "OPEN"}']]
  expect: {state: "on"}

- id: alarm panel
  component: alarm_control_panel
  config: {command_topic: a/set, state_topic: a/state}
  messages: [[state_topic, armed_away]]
  expect: {state: armed_away}

- id: lawn mower activity
  component: lawn_mower
  config: {start_mowing_command_topic: lm/start, activity_state_topic: lm/activity}
  messages: [[activity_state_topic, mowing]]
  expect: {state: mowing}

- id: availability topic with custom payloads
  component: switch
  config: {command_topic: s/set, availability_topic: s/lwt, payload_available: Online,
           payload_not_available: Offline}
  messages: [[availability_topic, Online], [availability_topic, Offline]]
  expect: {available: false}

- id: availability list, mode all
  component: switch
  config: {command_topic: s/set, availability_mode: all,
           availability: [{topic: bridge/state},
                          {topic: dev/avail, value_template: "{{ value_json.state }}"}]}
  messages: [[availability.0, online], [availability.1, '{"state": "online"}']]
  expect: {available: true}

- id: availability list, mode all, one offline
  component: switch
  config: {command_topic: s/set, availability_mode: all, availability: [{topic: a}, {topic: b}]}
  messages: [[availability.0, online]]
  expect: {available: false}

- id: JSON attributes
  component: sensor
  config: {state_topic: s/t, json_attributes_topic: s/attr}
  messages: [[json_attributes_topic, '{"battery": 90, "linkquality": 120}']]
  expect: {attributes: {battery: 90, linkquality: 120}}
"""
)


def _entity(component: str, config: dict[str, Any]) -> Entity:
    return Entity(unique_id="u1", component=component, object_id="thing", name="Thing", config=config)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_state_messages_update_the_entity(case: dict[str, Any]) -> None:
    entity = _entity(case["component"], case["config"])
    for key, payload in case["messages"]:
        apply_state(entity, key, payload.encode())
    for key, value in case["expect"].items():
        assert entity.state.get(key, "missing") == value, key


def test_apply_state_says_whether_anything_changed() -> None:
    entity = _entity("switch", {"command_topic": "s/set", "state_topic": "s/state"})
    assert apply_state(entity, "state_topic", b"ON") is True
    assert apply_state(entity, "state_topic", b"ON") is False
    assert apply_state(entity, "state_topic", b"OFF") is True


BAD_PAYLOADS = [
    ("light", {"command_topic": "l", "state_topic": "l/s", "schema": "json"}, "state_topic", b"{broken"),
    ("light", {"command_topic": "l", "state_topic": "l/s", "schema": "json"}, "state_topic", b"[1, 2]"),
    ("light", {"command_topic": "l", "brightness_state_topic": "b"}, "brightness_state_topic", b"bright"),
    ("light", {"command_topic": "l", "rgb_state_topic": "r"}, "rgb_state_topic", b"1,2"),
    ("cover", {"command_topic": "c", "position_topic": "p"}, "position_topic", b"NaN"),
    ("cover", {"command_topic": "c", "position_topic": "p", "position_open": 5, "position_closed": 5},
     "position_topic", b"5"),
    ("cover", {"command_topic": "c", "state_topic": "s"}, "state_topic", b"ajar"),
    ("sensor", {"state_topic": "s", "value_template": "{{ value_json.t }}"}, "state_topic", b"21"),
    ("sensor", {"state_topic": "s", "value_template": "{{ value_json.t }}"}, "state_topic", b'{"x": 1}'),
    ("sensor", {"state_topic": "s"}, "state_topic", b"\xff\xfe\x00"),
    ("fan", {"command_topic": "f", "percentage_state_topic": "p", "speed_range_min": 5, "speed_range_max": 1},
     "percentage_state_topic", b"3"),
    ("vacuum", {"command_topic": "v", "state_topic": "s"}, "state_topic", b'{"state": "flying"}'),
    ("switch", {"command_topic": "s", "availability": "nonsense"}, "availability.0", b"online"),
    ("switch", {"command_topic": "s", "availability_topic": "a"}, "availability_topic", b"maybe"),
    ("sensor", {"state_topic": "s", "json_attributes_topic": "a"}, "json_attributes_topic", b"[1]"),
    ("button", {"command_topic": "b"}, "state_topic", b"pressed"),
    ("climate", {"mode_command_topic": "m", "current_temperature_topic": "t"},
     "current_temperature_topic", b""),
]


@pytest.mark.parametrize(("component", "config", "key", "payload"), BAD_PAYLOADS)
def test_bad_payloads_change_nothing(
    component: str, config: dict[str, Any], key: str, payload: bytes
) -> None:
    entity = _entity(component, config)
    entity.state = {"state": "before"}
    assert apply_state(entity, key, payload) is False
    assert entity.state == {"state": "before"}


@pytest.mark.parametrize(
    ("template", "payload", "value"),
    [
        (None, "raw", "raw"),
        ("{{ value }}", "raw", "raw"),
        ("{{value_json.a}}", '{"a": 1}', 1),
        ("{{ value_json['a b'] }}", '{"a b": "x"}', "x"),
        ('{{ value_json["a"].b }}', '{"a": {"b": true}}', True),
        ("{{ value_json.a.b.c }}", '{"a": {"b": {"c": "deep"}}}', "deep"),
        ("{{ value_json.list[1] }}", '{"list": [5, 6]}', 6),
        ("{{ value_json.list.0 }}", '{"list": [5, 6]}', 5),
        ("{{ value_json.t | float }}", '{"t": "21.5"}', 21.5),
        ("{{ value_json.t | int }}", '{"t": "21.5"}', 21),
        ("{{ value_json.t | round(1) }}", '{"t": 21.46}', 21.5),
        ("{{ value_json.s | upper }}", '{"s": "on"}', "ON"),
        ("{{ value_json.missing }}", '{"a": 1}', None),
        ("{{ value_json.a }}", "not json", None),
        ("{{ value_json.t | int }}", '{"t": "warm"}', None),
        # Not one of the simple forms: the payload is kept as it is.
        ("{% if value == '1' %}ON{% else %}OFF{% endif %}", "1", "1"),
        ("{{ value_json.a | tojson }}", '{"a": 1}', '{"a": 1}'),
        ("{{ states('sensor.x') }}", "5", "5"),
        ("{{ value_json.__class__.__mro__ }}", '{"a": 1}', None),
    ],
)
def test_simple_value_templates_are_evaluated_without_jinja(
    template: str | None, payload: str, value: Any
) -> None:
    assert extract(template, payload) == value


def test_discovered_entity_tracks_its_state() -> None:
    result = parse_discovery(
        "homeassistant/cover/garage/config",
        b'{"name": "Garage door", "cmd_t": "garage/set", "pos_t": "garage/pos", "avty_t": "garage/lwt"}',
    )
    assert result is not None
    (entity,) = result.entities
    assert apply_state(entity, "position_topic", b"100")
    assert apply_state(entity, "availability_topic", b"online")
    assert entity.state["state"] == "open"
    assert entity.state["position"] == 100
    assert entity.state["available"] is True
