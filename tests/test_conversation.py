"""Conversation rules that do not depend on the sentence data: the checks on what the small model
proposes, the wake-word fragment Whisper hears, and timers that survive a restart."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from assistant.brain import Brain
from assistant.config import load_config
from assistant.conversation import Conversation, ConversationSettings
from assistant.daemon import strip_wake_phrase
from assistant.demo import demo_retained
from assistant.nlu.types import Intent
from assistant.registry import Registry
from assistant.timers import Timers


class FixedModel:
    """Stands in for the language model: proposes one fixed intent on the demo house's thermostat."""

    def __init__(self, brain: Brain, name: str, slots: dict[str, object]) -> None:
        self.brain, self.name, self.slots = brain, name, slots

    def understand(self, text: str, registry: Registry, area: str | None) -> Intent | None:
        thermostat = [e for e in registry if e.component == "climate"]
        return Intent(self.name, dict(self.slots), thermostat, source="model", text=text)


@pytest.fixture
def brain() -> Brain:
    brain = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        brain.handle_message(topic, payload.encode(), retained=True)
    return brain


def _discovered(messages: Iterable[tuple[str, Any]]) -> Brain:
    """A home of only these retained MQTT messages (discovery configs and states), as JSON."""
    brain = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in messages:
        brain.handle_message(topic, json.dumps(payload).encode(), True)
    return brain


def _published(conversation: Conversation, text: str) -> list[tuple[str, str]]:
    """The (topic, payload) of each MQTT message saying `text` publishes."""
    return [(a.topic, a.payload) for a in conversation.handle(text).actions]


@pytest.mark.parametrize(
    ("text", "slots", "acts"),
    [
        ("what is the heating doing right now", {"temperature": 21}, False),  # a question never acts
        ("could you make it a cosy twenty one in here", {"temperature": 21}, True),
        ("could you make it cosy in here", {"temperature": 21}, False),  # 21 was never said
        ("heating to 23.5 would be lovely", {"temperature": 23.5}, True),
    ],
)
def test_model_proposals_must_be_grounded_in_what_was_said(
    brain: Brain, text: str, slots: dict[str, object], acts: bool
) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.settings = ConversationSettings(confirm_model_guesses=False)
    conversation.model = FixedModel(brain, "HassClimateSetTemperature", slots)
    turn = conversation.handle(text)
    assert bool(turn.actions) is acts, turn.as_json()


def test_a_model_guess_is_asked_about_before_acting(brain: Brain) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.model = FixedModel(brain, "HassClimateSetTemperature", {"temperature": 22})
    asked = conversation.handle("could you make it 22 in here")
    assert asked.actions == []
    assert asked.reply.startswith("Did you mean")
    assert "22" in asked.reply
    done = conversation.handle("yes")
    assert [a.as_json() for a in done.actions] == [{"topic": "home/thermostat/target/set", "payload": "22.0"}]


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("Mute, Turn on the Coffee Maker", "Turn on the Coffee Maker"),
        ("Okay Nabu, turn on the light", "turn on the light"),
        ("Kitchen, lights on", "Kitchen, lights on"),  # an area name is kept
        ("Yes, do it", "Yes, do it"),
        ("turn on the light", "turn on the light"),
    ],
)
def test_wake_word_fragment_is_dropped(heard: str, meant: str) -> None:
    assert strip_wake_phrase(heard, {"kitchen", "light"}) == meant


def test_timers_survive_a_restart(tmp_path: Path) -> None:
    now = [1000.0]
    timers = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    timers.start(300, "pasta")
    timers.start(60, None)
    now[0] += 30
    restarted = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    assert len(restarted) == 2
    assert restarted.remaining("pasta")[1] == pytest.approx(270)
    now[0] += 40
    assert [t.name for t in restarted.pop_due()] == ["1 minute"]
    assert [t.name for t in Timers(tmp_path / "timers.json", clock=lambda: now[0]).pop_due()] == []


def test_paused_timer_does_not_run_down(tmp_path: Path) -> None:
    now = [0.0]
    timers = Timers(tmp_path / "timers.json", clock=lambda: now[0])
    timers.start(120, "tea")
    now[0] += 20
    timers.pause("tea")
    now[0] += 500
    assert timers.pop_due() == []
    timers.resume("tea")
    assert timers.remaining("tea")[1] == pytest.approx(100)
    timers.add(60, "tea")
    assert timers.remaining("tea")[1] == pytest.approx(160)


def test_context_and_confirmations_expire(brain: Brain) -> None:
    now = [0.0]
    conversation = Conversation(brain.registry, brain.matcher, None, brain.timers, ConversationSettings(),
                                area="Kitchen", clock=lambda: now[0])
    assert conversation.handle("turn on the coffee maker").actions
    now[0] += conversation.settings.context_seconds + 1
    assert conversation.handle("turn it off").actions == []  # "it" no longer means the coffee maker
    assert conversation.handle("unlock the front door").actions == []
    now[0] += conversation.settings.confirm_seconds + 1
    assert conversation.expire() == "Okay, I won't."
    assert conversation.handle("yes").actions == []


class FailingModel:
    def understand(self, text: str, registry: Registry, area: str | None) -> Intent | None:
        raise RuntimeError("the model fell over")


def test_a_failing_model_does_not_cost_the_turn(brain: Brain) -> None:
    conversation = brain.conversation("Kitchen")
    conversation.model = FailingModel()
    turn = conversation.handle("make everything a bit nicer in here")
    assert turn.actions == []
    assert turn.reply == "Sorry, I can't do that."
    assert conversation.handle("turn on the coffee maker").actions


def test_floors_from_the_config_and_the_outside_the_areas_say(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "floors:\n  upstairs: [Bedroom]\n"
        "devices:\n"
        "  - {platform: light, name: Porch Light, unique_id: porch, area: Porch, command_topic: porch/set}\n"
        "  - {platform: light, name: Patio String, unique_id: patio, area: Back Patio, command_topic: patio/set}\n"
    )
    brain = Brain.from_config(load_config(config), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        brain.handle_message(topic, payload.encode(), retained=True)
    conversation = brain.conversation("Kitchen")
    upstairs = conversation.handle("turn on the lights upstairs")
    bedroom_lights = {e.entity_id for e in brain.registry.in_area("Bedroom") if e.component == "light"}
    assert bedroom_lights
    assert {a.entity_id for a in upstairs.actions} == bedroom_lights
    outside = conversation.handle("turn off all the outdoor lights")
    assert [(a.topic, a.payload) for a in outside.actions] == [("porch/set", "OFF"), ("patio/set", "OFF")]


def test_the_back_of_a_car_is_its_rear_zone_and_the_rear_one_a_device(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "devices:\n"
        "  - {platform: climate, name: Driver Climate, unique_id: cd, area: Driver,\n"
        "     mode_command_topic: van/driver/mode, modes: ['off', heat, cool],\n"
        "     fan_mode_command_topic: van/driver/fan, fan_modes: [low, high]}\n"
        "  - {platform: climate, name: Rear Climate, unique_id: cr, area: Second Row,\n"
        "     mode_command_topic: van/rear/mode, modes: ['off', heat, cool],\n"
        "     fan_mode_command_topic: van/rear/fan, fan_modes: [low, high]}\n"
        "  - {platform: switch, name: Bed Outlet, unique_id: outlet, area: Driver, command_topic: van/outlet}\n"
        "  - {platform: switch, name: Front Demister, unique_id: fd, area: Driver, command_topic: van/demist/front}\n"
        "  - {platform: switch, name: Rear Demister, unique_id: rd, area: Driver, command_topic: van/demist/rear}\n"
        "  - {platform: light, name: Rear Reading Light, unique_id: rl, area: Second Row, command_topic: van/rl,\n"
        "     brightness_command_topic: van/rl/brightness}\n"
    )
    brain = Brain.from_config(load_config(config), use_model=False, persist_timers=False)
    conversation = brain.conversation("Driver")
    said = functools.partial(_published, conversation)

    assert said("turn the AC off in the back") == [("van/rear/mode", "off")]
    assert said("and put the fan on high back there") == [("van/rear/fan", "high")]
    assert said("turn the bed outlet back on") == [("van/outlet", "ON")]
    assert said("turn on the front demister") == [("van/demist/front", "ON")]
    # Not Home Assistant's "the kitchen 50" read as "the rear 1": the rear demister.
    assert said("and the rear one") == [("van/demist/rear", "ON")]


def test_all_the_lights_in_here_are_the_rooms_not_the_homes(brain: Brain) -> None:
    turn = brain.conversation("Bedroom").handle("turn off all the lights in here")
    bedroom = {e.entity_id for e in brain.registry.in_area("Bedroom") if e.component == "light"}
    assert bedroom
    assert {a.entity_id for a in turn.actions} == bedroom


def test_a_machine_with_a_power_switch_a_sound_select_and_a_volume(tmp_path: Path) -> None:
    """ "The white noise" is the White Noise Machine; its "Sound" and "Volume" entities answer to it
    too, each for what it does ("play the rain sound", "the white noise volume")."""
    device = {"identifiers": ["wn1"], "name": "White Noise Machine", "suggested_area": "Nursery"}
    discovery = [
        ("switch", "power", {"name": None, "command_topic": "wn/power/set"}),
        ("select", "sound", {"name": "Sound", "command_topic": "wn/sound/set", "options": ["Rain", "Ocean Waves"]}),
        ("number", "volume", {"name": "Volume", "command_topic": "wn/volume/set", "min": 0, "max": 30}),
    ]
    brain = _discovered(
        (f"homeassistant/{component}/wn/{object_id}/config", {**config, "unique_id": object_id, "device": device})
        for component, object_id, config in discovery
    )
    said = functools.partial(_published, brain.conversation("Nursery"))

    assert said("turn on the white noise") == [("wn/power/set", "ON")]
    assert said("play the rain sound") == [("wn/sound/set", "Rain")]
    assert said("change the white noise to ocean waves") == [("wn/sound/set", "Ocean Waves")]
    assert said("turn the white noise volume down to 15") == [("wn/volume/set", "15")]
    assert said("turn off the white noise") == [("wn/power/set", "OFF")]
    # A level that starts at 0 is turned off at 0, when its name is said.
    assert said("turn the white noise volume off") == [("wn/volume/set", "0")]


def test_the_other_rooms_one_is_its_device_of_that_kind() -> None:
    """ "And the bedroom one" after the lounge lamp is the bedroom's lamp, not also its ceiling
    light; "and the hall one" after the porch light (both in the hall) is the Hall Light."""
    lights = [("Lounge Lamp", "Lounge"), ("Bedside Lamp", "Bedroom"), ("Ceiling Light", "Bedroom"),
              ("Hall Light", "Hall"), ("Porch Light", "Hall")]
    brain = _discovered(
        (f"homeassistant/light/{name.replace(' ', '_').lower()}/config",
         {"name": None, "unique_id": name, "command_topic": f"{name}/set",
          "device": {"identifiers": [name], "name": name, "suggested_area": area}})
        for name, area in lights
    )
    said = functools.partial(_published, brain.conversation("Lounge"))

    assert said("turn on the lounge lamp") == [("Lounge Lamp/set", "ON")]
    assert said("and the bedroom one") == [("Bedside Lamp/set", "ON")]
    assert said("turn on the porch light") == [("Porch Light/set", "ON")]
    assert said("and the hall one") == [("Hall Light/set", "ON")]


def test_seven_valves_that_announce_one_object_id_are_seven_devices() -> None:
    """Zigbee2MQTT announces every radiator valve as object id "climate": each keeps its own
    entity id (as Home Assistant's climate.climate_2), so what was sent to one is assumed of it
    alone, and the curtains sent to 50 go on from 50 though their position reads a template."""
    messages: list[tuple[str, Any]] = []
    for room in ("Lounge", "Bedroom"):
        config = {
            "name": f"{room} Radiator", "unique_id": f"trv_{room}", "modes": ["off", "heat"],
            "temperature_command_topic": f"z2m/{room} TRV/set/setpoint", "temperature_state_topic": f"z2m/{room} TRV",
            "temperature_state_template": "{{ value_json.setpoint }}",
            "device": {"identifiers": [room], "name": f"{room} TRV", "suggested_area": room},
        }
        messages += [(f"homeassistant/climate/{room}/climate/config", config), (f"z2m/{room} TRV", {"setpoint": 17})]
    curtains = {
        "name": "Curtains", "unique_id": "curtains", "command_topic": "z2m/Curtains/set/state",
        "set_position_topic": "z2m/Curtains/set/position", "position_topic": "z2m/Curtains",
        "position_template": "{{ value_json.position }}", "device": {"identifiers": ["c"], "suggested_area": "Bedroom"},
    }
    brain = _discovered([*messages, ("homeassistant/cover/c/cover/config", curtains)])
    assert len({e.entity_id for e in brain.registry}) == 3
    said = functools.partial(_published, brain.conversation("Bedroom"))

    assert said("set the bedroom radiator to 19") == [("z2m/Bedroom TRV/set/setpoint", "19.0")]
    assert said("a bit warmer") == [("z2m/Bedroom TRV/set/setpoint", "20.0")]
    assert said("open the curtains halfway") == [("z2m/Curtains/set/position", "50")]
    assert said("open them a bit more") == [("z2m/Curtains/set/position", "60")]


def test_a_number_called_temperature_is_not_every_temperature() -> None:
    """The "Rear Climate" device's "Temperature" number answers to "the rear climate temperature",
    not to the "set the temperature to 22" meant for the driver's zone; and "how cold is it out
    here" answered by the thermostat elsewhere leaves "them" meaning the lights."""
    messages = [
        ("climate", "zone", {"name": "Driver Climate", "temperature_command_topic": "car/driver/set",
                             "device": {"identifiers": ["d"], "suggested_area": "Driver"}}),
        ("number", "rear_temp", {"name": "Temperature", "command_topic": "car/rear/set", "min": 16, "max": 28,
                                 "device": {"identifiers": ["r"], "name": "Rear Climate", "suggested_area": "Cabin"}}),
        ("light", "fairy", {"name": "Fairy Lights", "command_topic": "balcony/fairy/set",
                            "device": {"identifiers": ["f"], "suggested_area": "Balcony"}}),
    ]
    brain = _discovered(
        (f"homeassistant/{component}/{object_id}/config", {**config, "unique_id": object_id})
        for component, object_id, config in messages
    )
    driver = brain.conversation("Driver")
    assert _published(driver, "set the temperature to 22") == [("car/driver/set", "22.0")]
    assert _published(driver, "set the rear climate temperature to 20") == [("car/rear/set", "20")]
    balcony = brain.conversation("Balcony")
    assert _published(balcony, "turn on the fairy lights")
    assert _published(balcony, "how cold is it out here?") == []
    assert _published(balcony, "it's getting chilly, turn them off") == [("balcony/fairy/set", "OFF")]


def test_names_said_the_way_people_say_them() -> None:
    """ "The left bedside lamp" for "Bedroom Bedside Left", "the big light" for the ceiling bulb,
    "my reading light" and "the other side" in a car's rear seat."""
    lights = [
        ("bedside_left", "Bedroom Bedside Left", "Bedroom"),
        ("bedside_right", "Bedroom Bedside Right", "Bedroom"),
        ("ceiling", "Bedroom Ceiling Bulb", "Bedroom"),
        ("reading_rl", "Reading Light Rear Left", "Rear Left"),
        ("reading_rr", "Reading Light Rear Right", "Rear Right"),
    ]
    brain = _discovered(
        (
            f"homeassistant/light/{object_id}/config",
            {"name": None, "unique_id": object_id, "command_topic": f"l/{object_id}",
             "device": {"identifiers": [object_id], "name": name, "suggested_area": area}},
        )
        for object_id, name, area in lights
    )

    bedroom = brain.conversation("Bedroom")
    assert _published(bedroom, "turn on the left bedside lamp") == [("l/bedside_left", "ON")]
    assert _published(bedroom, "kill the big light") == [("l/ceiling", "OFF")]
    assert _published(bedroom, "turn left") == []
    rear = brain.conversation("Rear Left")
    assert _published(rear, "turn on my reading light") == [("l/reading_rl", "ON")]
    assert _published(rear, "and the other side") == [("l/reading_rr", "ON")]


def _lights_and_switches(devices: list[tuple[str, ...]]) -> Brain:
    """A home of (component, object id, device name, area[, entity name]), each commanded on
    c/<object id>; without an entity name, the entity is called by its device's name."""
    return _discovered(
        (
            f"homeassistant/{component}/{object_id}/config",
            {"name": entity_name[0] if entity_name else None, "unique_id": object_id,
             "command_topic": f"c/{object_id}",
             "device": {"identifiers": [object_id], "name": name, "suggested_area": area}},
        )
        for component, object_id, name, area, *entity_name in devices
    )


def test_a_lamp_of_two_is_asked_about_and_the_answer_carries_it_out() -> None:
    brain = _lights_and_switches([
        ("light", "floor", "Floor Lamp", "Living Room"),
        ("light", "reading", "Reading Lamp", "Living Room"),
    ])
    living = brain.conversation("Living Room")
    turn = living.handle("turn on the lamp")
    assert turn.actions == []
    assert turn.reply == "Which one: the floor lamp or the reading lamp?"
    assert _published(living, "the reading one") == [("c/reading", "ON")]
    assert _published(living, "turn on both lamps") == [("c/floor", "ON"), ("c/reading", "ON")]


def test_a_seat_says_what_is_mine_and_the_car_codes_its_seats() -> None:
    """ "My seat heater" is the speaker's seat's, in whatever words the gateway wrote it, and
    never another row's; "my reading light" is the one in my seat, not the driver's."""
    brain = _lights_and_switches([
        ("switch", "heat_driver", "Seat Driver Heating", "Driver"),
        ("switch", "heat_row3", "Seat Row 3", "Third Row", "Seat Heating"),
        ("light", "reading_driver", "Reading Light Driver", "Driver"),
        ("light", "reading_2l", "Reading Light 2L", "Second Row Left"),
        ("switch", "fan_2l", "Seat 2L Fan", "Second Row Left"),
    ])
    driver = brain.conversation("Driver")
    assert _published(driver, "turn off my seat heater") == [("c/heat_driver", "OFF")]
    second_row = brain.conversation("Second Row Left")
    assert _published(second_row, "turn on my reading light") == [("c/reading_2l", "ON")]
    assert _published(second_row, "turn on my seat heater") == []
    assert _published(second_row, "turn on my seat fan") == [("c/fan_2l", "ON")]


def test_unlock_the_doors_beside_the_glovebox_is_the_door_locks() -> None:
    brain = _lights_and_switches([
        ("lock", "glovebox", "Glovebox", "Front Passenger"),
        ("lock", "doors", "Door Locks", "Exterior"),
    ])
    passenger = brain.conversation("Front Passenger")
    assert _published(passenger, "unlock the doors") == []
    assert _published(passenger, "yes please") == [("c/doors", "UNLOCK")]


def test_in_here_is_the_room_and_a_plain_switch_answers_to_its_kind() -> None:
    brain = _lights_and_switches([
        ("switch", "telly", "Telly Plug", "Lounge"),
        ("switch", "extractor", "Extractor Fan", "Bathroom"),
        ("fan", "bedroom_fan", "Bedroom Fan", "Bedroom"),
        ("switch", "studio_heater", "Studio Heater", "Studio"),
        ("light", "easel", "Easel Lamp", "Studio"),
    ])
    bedroom = brain.conversation("Bedroom")
    turn = bedroom.handle("turn on the telly in here")
    assert (turn.actions, turn.reply) == ([], "There's no telly plug in here.")
    assert _published(bedroom, "turn on the telly") == [("c/telly", "ON")]
    assert _published(brain.conversation("Bathroom"), "turn on the fan") == [("c/extractor", "ON")]
    studio = brain.conversation("Studio")
    assert _published(studio, "turn off the easel lamp") == [("c/easel", "OFF")]
    assert _published(studio, "the heater as well") == [("c/studio_heater", "OFF")]


def test_a_remark_beside_a_new_value_and_a_noun_after_a_name() -> None:
    strip = {"name": "Strip Kitchen", "unique_id": "strip", "command_topic": "c/strip",
             "brightness_command_topic": "c/strip/brightness", "brightness_scale": 100,
             "device": {"identifiers": ["strip"], "name": "Van Kitchen", "suggested_area": "Kitchenette"}}
    windshield = {"name": None, "unique_id": "defrost", "command_topic": "c/defrost",
                  "device": {"identifiers": ["defrost"], "name": "Windshield", "suggested_area": "Cabin"}}
    brain = _discovered([("homeassistant/light/strip/config", strip),
                         ("homeassistant/switch/defrost/config", windshield)])
    kitchenette = brain.conversation("Kitchenette")
    seventy = [("c/strip/brightness", "70"), ("c/strip", "ON")]
    assert _published(kitchenette, "strip kitchen on at 70 percent") == seventy
    assert _published(kitchenette, "too bright, back to 40") == [("c/strip/brightness", "40"), ("c/strip", "ON")]
    assert _published(kitchenette, "turn on the heated windshield wipers") == []
    assert _published(kitchenette, "turn on the windshield please") == [("c/defrost", "ON")]


def test_whose_device_it_is_and_a_terse_setting_after_one_device() -> None:
    """ "Tom's lamp" is the lamp in Tom's room; "Jake's light", where Jake has none, is nothing
    (not the room's lights); "the extractor" is the "Kitchen Extractor Fan"; "full brightness"
    right after the desk lamp was set is the desk lamp, not every light of the office."""
    brain = _lights_and_switches([
        ("light", "toms_lamp", "Tom's Desk Lamp", "Tom's Room"),
        ("light", "toms_ceiling", "Tom's Room Ceiling Light", "Tom's Room"),
        ("light", "lounge", "Living Room Light", "Living Room"),
        ("switch", "heater", "Ben's Heater Plug", "Ben's Room", "Heater"),
        ("fan", "extractor", "Kitchen Extractor Fan", "Kitchen"),
        ("light", "desk", "Desk Lamp", "Office"),
        ("light", "office_ceiling", "Office Ceiling", "Office"),
    ])
    lounge = brain.conversation("Living Room")
    assert _published(lounge, "turn off Tom's lamp") == [("c/toms_lamp", "OFF")]
    assert _published(lounge, "and his ceiling light too") == [("c/toms_ceiling", "OFF")]
    assert _published(lounge, "turn off Jake's light") == []
    assert _published(lounge, "turn Ben's heater on") == [("c/heater", "ON")]
    assert _published(brain.conversation("Kitchen"), "turn on the extractor") == [("c/extractor", "ON")]
    office = brain.conversation("Office")
    assert _published(office, "turn on the desk lamp") == [("c/desk", "ON")]
    assert _published(office, "lights off") == [("c/desk", "OFF"), ("c/office_ceiling", "OFF")]


def test_car_windows_go_down_to_open_and_a_zone_is_said_by_its_seat() -> None:
    covers = [
        ("window_rl", "Rear Left Window", "Second Row Left", "window"),
        ("window_rr", "Rear Right Window", "Second Row Right", "window"),
        ("partition", "Privacy Partition", "Rear", None),
    ]
    messages: list[tuple[str, Any]] = [
        (f"homeassistant/cover/{object_id}/config",
         {"name": name, "unique_id": object_id, "command_topic": f"c/{object_id}", "device_class": device_class,
          "device": {"identifiers": [object_id], "name": name, "suggested_area": area}})
        for object_id, name, area, device_class in covers
    ]
    messages += [
        ("homeassistant/switch/defrost/config", {"name": "Rear Window", "unique_id": "defrost", "command_topic":
         "c/defrost", "device": {"identifiers": ["defrost"], "name": "Defrost", "suggested_area": "Cabin"}}),
        ("homeassistant/climate/driver/config", {"name": "Driver Climate", "unique_id": "driver",
         "temperature_command_topic": "c/driver/t", "device": {"identifiers": ["cab"], "suggested_area": "Cab"}}),
        ("homeassistant/climate/passenger/config", {"name": "Passenger Climate", "unique_id": "passenger",
         "temperature_command_topic": "c/passenger/t", "temp_step": 0.5,
         "device": {"identifiers": ["cab"], "suggested_area": "Cab"}}),
    ]
    brain = _discovered(messages)
    rear = brain.conversation("Rear")
    assert _published(rear, "roll down the rear windows") == [("c/window_rl", "OPEN"), ("c/window_rr", "OPEN")]
    assert _published(rear, "could you lower the partition, please") == [("c/partition", "OPEN")]
    assert _published(rear, "raise the partition") == [("c/partition", "CLOSE")]
    cab = brain.conversation("Cab")
    assert _published(cab, "passenger to 20.5") == [("c/passenger/t", "20.5")]
    assert _published(cab, "set the driver side to 22") == [("c/driver/t", "22.0")]


def test_a_bulb_is_a_light_but_the_room_light_is_every_light_of_the_room() -> None:
    brain = _lights_and_switches([
        ("light", "bulb", "Living Room Ceiling Bulb", "Living Room"),
        ("light", "lamp", "Living Room Lamp", "Living Room"),
    ])
    kitchen = brain.conversation("Kitchen")
    assert _published(kitchen, "turn on the living room light") == [("c/bulb", "ON"), ("c/lamp", "ON")]
    living = brain.conversation("Living Room")
    assert _published(living, "turn off the ceiling light") == [("c/bulb", "OFF")]


def test_z_wave_js_names_and_entity_names_that_only_say_the_kind() -> None:
    """Z-Wave JS UI calls a device "Porch-Porch Light Switch" and its entity "Switch"; Zigbee2MQTT
    a fan's light kit "Light". Neither "Switch" nor "Light" is a name: "the porch light" is the
    porch's switch, not the bedroom fan's light kit."""
    brain = _lights_and_switches([
        ("switch", "porch", "Porch-Porch Light Switch", "Porch", "Switch"),
        ("light", "fan_light", "Primary Bedroom Ceiling Fan", "Primary Bedroom", "Light"),
        ("light", "foyer", "Foyer-Foyer Light Dimmer", "Foyer", "Dimmer"),
    ])
    assert _published(brain.conversation("Porch"), "turn on the porch light") == [("c/porch", "ON")]
    assert _published(brain.conversation("Kitchen"), "turn on the foyer light") == [("c/foyer", "ON")]
    assert _published(brain.conversation("Kitchen"), "turn on the light") == []


def test_in_here_keeps_a_question_to_the_room_and_little_is_a_small_step() -> None:
    heaters = [
        (f"homeassistant/climate/{room}/config",
         {"name": None, "unique_id": room, "temperature_command_topic": f"c/{room}/t",
          "temperature_state_topic": f"s/{room}/t", "device": {"identifiers": [room], "name": f"{room} Heater",
                                                               "suggested_area": room}})
        for room in ("Snug", "Lounge")
    ]
    dimmer = ("homeassistant/light/chandelier/config",
              {"name": "Chandelier", "unique_id": "chandelier", "command_topic": "c/chandelier",
               "brightness_command_topic": "c/chandelier/b", "brightness_scale": 100,
               "device": {"identifiers": ["chandelier"], "suggested_area": "Lounge"}})
    brain = _discovered([*heaters, ("s/Snug/t", 18), ("s/Lounge/t", 19), dimmer])
    lounge = brain.conversation("Lounge")
    assert _published(lounge, "what's the heating set to in here") == []
    assert _published(lounge, "can you make it a degree warmer") == [("c/Lounge/t", "20.0")]
    assert _published(lounge, "set the chandelier to 40 percent") == [("c/chandelier/b", "40"), ("c/chandelier", "ON")]
    assert _published(lounge, "little dimmer") == [("c/chandelier/b", "30"), ("c/chandelier", "ON")]


def test_night_night_is_bedtime_and_the_blind_just_closed_is_the_blind() -> None:
    blind = {"name": None, "unique_id": "roof_blind", "device_class": "shade", "command_topic": "c/blind",
             "set_position_topic": "c/blind/pos", "position_topic": "s/blind/pos",
             "device": {"identifiers": ["roof_blind"], "name": "Roof Blind", "suggested_area": "Cabin"}}
    brain = _discovered([
        ("homeassistant/cover/roof_blind/config", blind),
        ("homeassistant/light/night/config", {"name": None, "unique_id": "night", "command_topic": "c/night",
                                               "device": {"identifiers": ["night"], "name": "Night Light",
                                                          "suggested_area": "Bedroom 2"}}),
        ("homeassistant/cover/rear_blind/config", {**blind, "unique_id": "rear_blind", "command_topic": "c/rear",
                                                    "set_position_topic": "c/rear/pos",
                                                    "device": {"identifiers": ["rear_blind"], "name": "Rear Blind",
                                                               "suggested_area": "Rear"}}),
        # The passenger's seat has devices of its own, none of them a blind.
        ("homeassistant/light/reading/config", {"name": None, "unique_id": "reading", "command_topic": "c/reading",
                                                 "device": {"identifiers": ["reading"], "name": "Reading Light",
                                                            "suggested_area": "Front Passenger"}}),
    ])
    assert _published(brain.conversation("Bedroom 2"), "night night") == []
    passenger = brain.conversation("Front Passenger")
    assert _published(passenger, "close the roof blind") == [("c/blind", "CLOSE")]
    assert _published(passenger, "set the blind to 30 percent") == [("c/blind/pos", "30")]
    assert _published(passenger, "open it a bit more") == [("c/blind/pos", "40")]


def test_names_ending_in_a_side_make_a_group_and_the_speakers_row_keeps_its_own() -> None:
    brain = _lights_and_switches([
        ("cover", "slide_l", "Sliding Door Left", "Middle Row"),
        ("cover", "slide_r", "Sliding Door Right", "Middle Row"),
        ("light", "read_2l", "Light Reading Row 2 Left", "Middle Row"),
        ("light", "read_2r", "Light Reading Row 2 Right", "Middle Row"),
        ("light", "read_3", "Light Reading Row 3", "Back Row"),
    ])
    driver = brain.conversation("Driver")
    assert _published(driver, "close the sliding doors") == [("c/slide_l", "CLOSE"), ("c/slide_r", "CLOSE")]
    assert _published(driver, "turn on the reading lights") == [
        ("c/read_2l", "ON"), ("c/read_2r", "ON"), ("c/read_3", "ON")
    ]
    middle = brain.conversation("Middle Row")
    assert _published(middle, "turn off the reading lights") == [("c/read_2l", "OFF"), ("c/read_2r", "OFF")]
