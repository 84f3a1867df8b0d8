"""MqttLink against a real Mosquitto: connection, discovery learning, commands, outages, auth, TLS."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from mosquitto import Mosquitto, MqttListener, free_port

from assistant import hermes
from assistant.device_state import apply_state
from assistant.discovery import DiscoveryTracker, parse_discovery
from assistant.mqtt import MqttLink, MqttSettings
from assistant.registry import Registry

REPO = Path(__file__).resolve().parent.parent
SITE = "kitchen"
STATUS = f"assistant/{SITE}/status"


def settings_for(broker: Mosquitto, **overrides: object) -> MqttSettings:
    """Short timeouts so outages play out in a second or two."""
    base = MqttSettings(
        host=broker.host,
        port=broker.port,
        keepalive=5,
        command_timeout=2.0,
        reconnect_min_delay=0.2,
        reconnect_max_delay=0.5,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


@dataclass
class Running:
    """A started link and the queue its `on_message` feeds, as the daemon wires it."""

    link: MqttLink
    inbox: queue.Queue[tuple[str, bytes, bool]] = field(default_factory=queue.Queue)

    def next_on(self, topic: str, timeout: float = 5.0) -> tuple[bytes, bool]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                got_topic, payload, retained = self.inbox.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"the link received nothing on {topic} within {timeout} s") from None
            if got_topic == topic:
                return payload, retained


@pytest.fixture
def start_link() -> Iterator[Callable[..., Running]]:
    running: list[Running] = []

    def start(settings: MqttSettings, site_id: str = SITE, wait: bool = True) -> Running:
        inbox: queue.Queue[tuple[str, bytes, bool]] = queue.Queue()
        link = MqttLink(
            settings, site_id, lambda topic, payload, retained: inbox.put((topic, payload, retained))
        )
        item = Running(link, inbox)
        running.append(item)
        link.start()
        if wait:
            assert link.wait_connected(5), link.last_error
        return item

    yield start
    for item in running:
        item.link.stop()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.02)


def test_link_comes_online_retained_and_receives_its_topics(
    mosquitto: Mosquitto,
    mqtt_listener: MqttListener,
    mqtt_listener_factory: Callable[..., MqttListener],
    start_link: Callable[..., Running],
) -> None:
    running = start_link(settings_for(mosquitto))
    mqtt_listener.wait_for(STATUS, payload=b"online")
    late_listener = mqtt_listener_factory(mosquitto, (STATUS,))
    assert late_listener.wait_for("assistant/+/status").retained is True

    query = {"input": "turn on the kitchen light", "siteId": SITE, "sessionId": "s1"}
    mqtt_listener.publish(hermes.NLU_QUERY_TOPIC, json.dumps(query))
    payload, _ = running.next_on(hermes.NLU_QUERY_TOPIC)
    parsed = hermes.parse_nlu_query(payload, SITE)
    assert parsed is not None
    assert (parsed.input, parsed.session_id) == ("turn on the kitchen light", "s1")

    mqtt_listener.publish("hermes/tts/say", json.dumps({"text": "Dinner is ready", "siteId": SITE}))
    say = hermes.parse_tts_say(running.next_on(hermes.TTS_SAY_TOPIC)[0], SITE)
    assert say is not None
    assert say.text == "Dinner is ready"

    for topic in (f"assistant/{SITE}/mute/set", f"assistant/{SITE}/volume/set", f"assistant/{SITE}/listen"):
        mqtt_listener.publish(topic, "ON")
        running.next_on(topic)
    mqtt_listener.publish("homeassistant/status", "online")
    running.next_on("homeassistant/status")


class House:
    """The consumer side, as the daemon does it: discovery and state messages into a registry."""

    def __init__(self, running: Running) -> None:
        self.running = running
        self.registry = Registry()
        self.tracker = DiscoveryTracker()

    def pump_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            try:
                topic, payload, _retained = self.running.inbox.get(
                    timeout=max(0.01, deadline - time.monotonic())
                )
            except queue.Empty:
                raise AssertionError(f"condition not met within {timeout} s") from None
            self.handle(topic, payload)

    def handle(self, topic: str, payload: bytes) -> None:
        if topic.startswith("homeassistant/") and topic.endswith("/config"):
            result = parse_discovery(topic, payload)
            if result is not None:
                self.tracker.apply(result, self.registry)
                for state_topic in self.registry.state_topics():
                    self.running.link.subscribe(state_topic)
            return
        for entity, key in self.registry.state_topics().get(topic, []):
            apply_state(entity, key, payload)


def test_devices_are_learned_and_their_state_tracked_through_the_broker(
    mosquitto: Mosquitto, mqtt_listener: MqttListener, start_link: Callable[..., Running]
) -> None:
    # Retained before the assistant starts, as on a real broker.
    plug = {
        "~": "tasmota/plug1",
        "name": None,
        "uniq_id": "plug1",
        "cmd_t": "~/cmnd/POWER",
        "stat_t": "~/stat/POWER",
        "avty_t": "~/LWT",
        "pl_avail": "Online",
        "pl_not_avail": "Offline",
        "dev": {"ids": ["plug1"], "name": "Coffee machine", "sa": "Kitchen"},
    }
    mqtt_listener.publish("homeassistant/switch/plug1/config", json.dumps(plug), retain=True)
    mqtt_listener.publish("tasmota/plug1/LWT", "Online", retain=True)
    house = House(start_link(settings_for(mosquitto)))
    house.pump_until(lambda: house.registry.get("plug1") is not None)
    coffee = house.registry.get("plug1")
    assert coffee is not None
    assert (coffee.name, coffee.area, coffee.config["command_topic"]) == (
        "Coffee machine",
        "Kitchen",
        "tasmota/plug1/cmnd/POWER",
    )
    house.pump_until(lambda: coffee.state.get("available") is True)

    sensor_device = {
        "dev": {"ids": ["ms1"], "name": "Bedroom sensor", "sa": "Bedroom"},
        "o": {"name": "test"},
        "stat_t": "acme/ms1/state",
        "cmps": {
            "t": {
                "p": "sensor",
                "uniq_id": "ms1_t",
                "name": "Temperature",
                "unit_of_meas": "°C",
                "val_tpl": "{{ value_json.temperature }}",
            },
            "h": {
                "p": "sensor",
                "uniq_id": "ms1_h",
                "name": "Humidity",
                "val_tpl": "{{ value_json.humidity }}",
            },
        },
    }
    mqtt_listener.publish("homeassistant/device/ms1/config", json.dumps(sensor_device), retain=True)
    house.pump_until(lambda: house.registry.get("ms1_h") is not None)

    # Retained, as most devices publish their state: it reaches the link whenever its
    # subscription to the new state topics lands.
    mqtt_listener.publish("tasmota/plug1/stat/POWER", "ON", retain=True)
    mqtt_listener.publish("acme/ms1/state", '{"temperature": 19.5, "humidity": 48}', retain=True)
    house.pump_until(lambda: coffee.state.get("state") == "on")
    temperature = house.registry.get("ms1_t")
    assert temperature is not None
    house.pump_until(lambda: temperature.state.get("state") == 19.5)
    assert temperature.state["unit"] == "°C"

    mqtt_listener.publish("homeassistant/switch/plug1/config", b"", retain=True)
    house.pump_until(lambda: house.registry.get("plug1") is None)
    mqtt_listener.publish("homeassistant/device/ms1/config", b"", retain=True)
    house.pump_until(lambda: len(house.registry) == 0)


def test_malformed_discovery_is_logged_once_each_and_ignored(
    mosquitto: Mosquitto,
    mqtt_listener: MqttListener,
    start_link: Callable[..., Running],
    caplog: pytest.LogCaptureFixture,
) -> None:
    house = House(start_link(settings_for(mosquitto)))
    mqtt_listener.wait_for(STATUS, payload=b"online")  # published after subscribing: the broker has both
    bad = {
        "homeassistant/light/bad1/config": b"{not json",
        "homeassistant/light/bad2/config": b"\xff\xfe\xfd",
        "homeassistant/light/bad3/config": b'{"name": "No command topic", "stat_t": "x"}',
        "homeassistant/light/bad4/config": b'{"name": 12, "cmd_t": "x/set"}',
        "homeassistant/light/bad5/config": os.urandom(1_000_000),
    }
    for topic, payload in bad.items():
        mqtt_listener.publish(topic, payload)
    good = {"name": "Good lamp", "uniq_id": "good", "cmd_t": "good/set"}
    mqtt_listener.publish("homeassistant/light/good/config", json.dumps(good))
    house.pump_until(lambda: house.registry.get("good") is not None)

    assert [entity.unique_id for entity in house.registry] == ["good"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "assistant.discovery"]
    for topic in bad:
        assert len([m for m in warnings if topic in m]) == 1, (topic, warnings)
    assert house.running.link.connected


def test_a_command_is_delivered_and_acknowledged(
    mosquitto: Mosquitto, mqtt_listener: MqttListener, start_link: Callable[..., Running]
) -> None:
    link = start_link(settings_for(mosquitto)).link
    result = link.send_command("home/kitchen/light/set", "ON")
    assert result.delivered, result.reason
    assert result.reason == "delivered"
    assert result.seconds < 1.0
    message = mqtt_listener.wait_for("home/kitchen/light/set")
    assert (message.payload, message.retained) == (b"ON", False)


def test_reconnects_resubscribes_and_delivers_a_command_sent_while_the_broker_was_down(
    mosquitto: Mosquitto,
    mqtt_listener_factory: Callable[..., MqttListener],
    start_link: Callable[..., Running],
) -> None:
    listener = mqtt_listener_factory(mosquitto, persistent=True)  # the broker queues for it while it is away
    running = start_link(settings_for(mosquitto, command_timeout=4.0))
    running.link.subscribe("garage/door/state")
    mosquitto.stop()
    wait_until(lambda: not running.link.connected, 3, "the link notices the broker is gone")

    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(running.link.send_command, "garage/door/set", "OPEN")
        time.sleep(1.0)
        assert not pending.done()
        mosquitto.start()
        result = pending.result(timeout=10)
    assert result.delivered, result.reason
    assert listener.wait_for("garage/door/set").payload == b"OPEN"

    listener.publish("garage/door/state", "open")
    assert running.next_on("garage/door/state")[0] == b"open"
    listener.publish(hermes.TTS_SAY_TOPIC, '{"text": "hello"}')
    running.next_on(hermes.TTS_SAY_TOPIC)


def test_a_command_sent_while_the_broker_is_down_is_dropped_and_never_sent_later(
    mosquitto_factory: Callable[..., Mosquitto], start_link: Callable[..., Running]
) -> None:
    broker = mosquitto_factory(log_all=True)
    link = start_link(settings_for(broker, command_timeout=1.0)).link
    broker.stop()
    wait_until(lambda: not link.connected, 3, "the link notices the broker is gone")

    result = link.send_command("garage/door/late", "CLOSE")
    assert not result.delivered
    assert 0.9 <= result.seconds < 2.0
    assert f"not connected to the MQTT broker at {broker.host}:{broker.port} within 1 s" in result.reason
    assert "connection refused" in result.reason

    broker.start()
    assert link.wait_connected(5)
    assert link.send_command("garage/door/probe", "x").delivered  # anything resent would come before it
    assert broker.received_publish("garage/door/probe")
    assert not broker.received_publish("garage/door/late")


def test_a_command_the_broker_never_acknowledged_is_not_resent_after_its_window(
    mosquitto_factory: Callable[..., Mosquitto], start_link: Callable[..., Running]
) -> None:
    broker = mosquitto_factory(log_all=True)
    link = start_link(settings_for(broker, command_timeout=1.0)).link
    broker.pause()  # the connection stays up, nothing is acknowledged: the command sits in paho's queue
    expired = link.send_command("garage/door/expired", "CLOSE")
    assert not expired.delivered
    assert expired.reason == f"no acknowledgement from the MQTT broker at 127.0.0.1:{broker.port} within 1 s"

    broker.kill()
    broker.start()
    assert link.wait_connected(5)
    assert link.send_command("garage/door/probe", "x").delivered  # a resent command would come before it
    assert broker.received_publish("garage/door/probe")
    assert not broker.received_publish("garage/door/expired")


def test_a_command_in_flight_when_the_broker_dies_is_resent_after_the_reconnect(
    mosquitto_factory: Callable[..., Mosquitto], start_link: Callable[..., Running]
) -> None:
    broker = mosquitto_factory(log_all=True)
    link = start_link(settings_for(broker, command_timeout=4.0)).link
    broker.pause()
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(link.send_command, "garage/door/set", "OPEN")
        time.sleep(0.5)
        broker.kill()
        broker.start()
        result = pending.result(timeout=10)
    assert result.delivered, result.reason
    assert 0.5 < result.seconds < 4.0
    assert broker.received_publish("garage/door/set")


def test_unreachable_at_start_then_the_broker_appears(
    tmp_path: Path,
    mosquitto_factory: Callable[..., Mosquitto],
    start_link: Callable[..., Running],
    mqtt_listener_factory: Callable[..., MqttListener],
) -> None:
    port = free_port()
    settings = MqttSettings(host="127.0.0.1", port=port, reconnect_min_delay=0.2, reconnect_max_delay=0.5)
    running = start_link(settings, wait=False)
    wait_until(lambda: running.link.last_error is not None, 3, "an error is reported")
    assert running.link.last_error == (
        f"cannot connect to the MQTT broker at 127.0.0.1:{port}: connection refused; is it running? "
        "(mqtt.host / mqtt.port)"
    )
    assert not running.link.connected

    broker = mosquitto_factory(port=port)
    assert running.link.wait_connected(5)
    assert running.link.last_error is None
    assert mqtt_listener_factory(broker, (STATUS,)).wait_for(STATUS).payload == b"online"


def test_the_last_will_says_offline_when_the_process_is_killed(
    mosquitto: Mosquitto, mqtt_listener: MqttListener
) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from assistant.mqtt import MqttLink, MqttSettings
        link = MqttLink(MqttSettings(host={mosquitto.host!r}, port={mosquitto.port}, keepalive=5), "doomed",
                        lambda *message: None)
        link.start()
        if not link.wait_connected(10):
            sys.exit(3)
        print("connected", flush=True)
        time.sleep(60)
        """
    )
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=environment
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "connected"
        mqtt_listener.wait_for("assistant/doomed/status", payload=b"online")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    offline = mqtt_listener.wait_for("assistant/doomed/status", payload=b"offline", timeout=5)
    assert offline.payload == b"offline"


def test_a_clean_stop_says_offline_within_two_seconds(
    mosquitto: Mosquitto, mqtt_listener_factory: Callable[..., MqttListener]
) -> None:
    link = MqttLink(settings_for(mosquitto), SITE, lambda *message: None)
    link.start()
    assert link.wait_connected(5)
    started = time.monotonic()
    link.stop()
    assert time.monotonic() - started < 2.0
    assert not link.connected
    status = mqtt_listener_factory(mosquitto, (STATUS,)).wait_for(STATUS)
    assert (status.payload, status.retained) == (b"offline", True)


def test_username_password_and_tls(
    mosquitto_factory: Callable[..., Mosquitto],
    mqtt_listener_factory: Callable[..., MqttListener],
    start_link: Callable[..., Running],
) -> None:
    broker = mosquitto_factory(users={"assistant": "s3cret", "watcher": "w"}, tls=True)
    listener = mqtt_listener_factory(broker, username="watcher", password="w")
    assert broker.tls_port is not None
    settings = settings_for(
        broker,
        port=broker.tls_port,
        tls=True,
        ca_file=str(broker.ca_file),
        username="assistant",
        password="s3cret",
    )
    link = start_link(settings).link
    assert link.send_command("secure/lamp/set", "ON").delivered
    assert listener.wait_for("secure/lamp/set").payload == b"ON"
    assert listener.wait_for(STATUS).payload == b"online"


def test_a_wrong_password_gives_a_clear_error_logged_once(
    mosquitto_factory: Callable[..., Mosquitto],
    start_link: Callable[..., Running],
    caplog: pytest.LogCaptureFixture,
) -> None:
    broker = mosquitto_factory(users={"assistant": "s3cret"})
    running = start_link(settings_for(broker, username="assistant", password="wrong"), wait=False)
    # Mosquitto answers a wrong password with "not authorised" (CONNACK 5), others with code 4.
    expected = (
        f"MQTT broker at 127.0.0.1:{broker.port} refused the connection: not authorized "
        "(mqtt.username / mqtt.password)"
    )
    wait_until(lambda: running.link.last_error == expected, 3, "the refusal is reported")
    time.sleep(1.5)  # several more attempts
    assert broker.log().count("not authorised") >= 3
    assert [r.getMessage() for r in caplog.records if r.name == "assistant.mqtt"].count(expected) == 1
    assert not running.link.connected


def test_an_untrusted_tls_certificate_gives_a_clear_error(
    mosquitto_factory: Callable[..., Mosquitto], start_link: Callable[..., Running]
) -> None:
    broker = mosquitto_factory(tls=True)
    assert broker.tls_port is not None
    running = start_link(settings_for(broker, port=broker.tls_port, tls=True), wait=False)  # system CAs only
    wait_until(lambda: running.link.last_error is not None, 3, "the TLS failure is reported")
    error = running.link.last_error or ""
    assert error.startswith(
        f"the TLS certificate of the MQTT broker at 127.0.0.1:{broker.tls_port} was not accepted"
    )
    assert "mqtt.ca_file" in error


def test_missing_tls_files_are_a_config_error(tmp_path: Path) -> None:
    settings = MqttSettings(tls=True, ca_file=str(tmp_path / "missing-ca.crt"))
    with pytest.raises(ValueError, match=r"mqtt: cannot load the TLS files \(mqtt\.ca_file="):
        MqttLink(settings, SITE, lambda *message: None)


def test_mqtt_5(
    mosquitto: Mosquitto, mqtt_listener: MqttListener, start_link: Callable[..., Running]
) -> None:
    running = start_link(settings_for(mosquitto, protocol="5"))
    mqtt_listener.wait_for(STATUS, payload=b"online")
    assert running.link.send_command("v5/lamp/set", "ON").delivered
    assert mqtt_listener.wait_for("v5/lamp/set").payload == b"ON"
    mqtt_listener.publish(hermes.NLU_QUERY_TOPIC, '{"input": "hi"}')
    running.next_on(hermes.NLU_QUERY_TOPIC)


def test_retained_state_published_while_down_is_sent_after_the_reconnect_events_are_not(
    mosquitto_factory: Callable[..., Mosquitto],
    mqtt_listener_factory: Callable[..., MqttListener],
    start_link: Callable[..., Running],
) -> None:
    broker = mosquitto_factory(log_all=True)
    link = start_link(settings_for(broker)).link
    broker.stop()
    wait_until(lambda: not link.connected, 3, "the link notices the broker is gone")
    link.publish("assistant/kitchen/state", "listening", retain=True)
    link.publish("assistant/kitchen/state", "idle", retain=True)
    link.publish("hermes/hotword/nabu/detected", "{}")
    broker.start()
    assert link.wait_connected(5)
    assert link.send_command("test/flush", "").delivered  # in order: what came before is stored too
    listener = mqtt_listener_factory(broker, ("assistant/kitchen/state",))
    state = listener.wait_for("assistant/kitchen/state")
    assert (state.payload, state.retained) == (b"idle", True)
    assert not broker.received_publish("hermes/hotword/nabu/detected")
    link.publish("assistant/kitchen/state", "speaking", retain=True)
    assert listener.wait_for("assistant/kitchen/state", payload=b"speaking").retained is False
