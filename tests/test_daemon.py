"""The daemon as a service: systemd notifications, text commands over Hermes, confirmations,
timers, faults. Each test runs the real daemon process against a real Mosquitto; audio comes from
a WAV file of silence paced in real time (no sound server needed).
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from daemon_process import publish_demo_house, start_daemon, stop_daemon, write_config
from mosquitto import Mosquitto, MqttListener
from speech import silence, write_wav

pytestmark = pytest.mark.slow

SITE = "kitchen"


@pytest.fixture
def quiet_input(tmp_path: Path) -> Path:
    return write_wav(tmp_path / "silence.wav", silence(300))


@pytest.fixture
def daemon(
    tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener, quiet_input: Path
) -> Iterator[subprocess.Popen[bytes]]:
    publish_demo_house(mqtt_listener)
    config = write_config(tmp_path, mosquitto.host, mosquitto.port)
    process = start_daemon(tmp_path, config, "--input", str(quiet_input), "--realtime",
                           "--output", str(tmp_path / "replies.wav"))
    try:
        mqtt_listener.wait_for(f"assistant/{SITE}/status", timeout=120, payload=b"online")
        yield process
    finally:
        stop_daemon(process, tmp_path)


def ask(listener: MqttListener, text: str) -> None:
    listener.publish("hermes/nlu/query", json.dumps({"input": text, "siteId": SITE}))


def test_text_command_over_hermes_drives_the_device(daemon: subprocess.Popen[bytes],
                                                    mqtt_listener: MqttListener) -> None:
    ask(mqtt_listener, "turn on the coffee maker")
    assert mqtt_listener.wait_for("tasmota/coffee/cmnd/POWER", timeout=10).payload == b"ON"
    intent = json.loads(mqtt_listener.wait_for("hermes/intent/HassTurnOn", timeout=5).payload)
    assert intent["siteId"] == SITE
    assert intent["input"] == "turn on the coffee maker"
    event = json.loads(mqtt_listener.wait_for(f"assistant/{SITE}/event", timeout=5).payload)
    assert event["event_type"] == "HassTurnOn"


def test_another_sites_query_is_ignored(daemon: subprocess.Popen[bytes], mqtt_listener: MqttListener) -> None:
    mqtt_listener.publish("hermes/nlu/query", json.dumps({"input": "turn on the coffee maker",
                                                          "siteId": "bedroom"}))
    time.sleep(2)
    assert not mqtt_listener.messages("tasmota/coffee/cmnd/POWER")


def test_unlock_waits_for_yes(daemon: subprocess.Popen[bytes], mqtt_listener: MqttListener) -> None:
    ask(mqtt_listener, "unlock the front door")
    time.sleep(2)
    assert not mqtt_listener.messages("home/front_door/lock/set"), "a lock must not open without a yes"
    ask(mqtt_listener, "no")
    time.sleep(1.5)
    assert not mqtt_listener.messages("home/front_door/lock/set")
    ask(mqtt_listener, "unlock the front door")
    time.sleep(1)
    ask(mqtt_listener, "yes")
    assert mqtt_listener.wait_for("home/front_door/lock/set", timeout=10).payload == b"UNLOCK"


def test_not_understood_is_reported_and_nothing_happens(daemon: subprocess.Popen[bytes],
                                                       mqtt_listener: MqttListener) -> None:
    ask(mqtt_listener, "what is the capital of france")
    payload = json.loads(mqtt_listener.wait_for("hermes/nlu/intentNotRecognized", timeout=10).payload)
    assert payload["input"] == "what is the capital of france"
    commands = [m for m in mqtt_listener.messages("#") if m.topic.endswith(("/set", "/command")) or "/cmnd/" in m.topic]
    assert not [m for m in commands if not m.retained]


def test_timer_fires_and_is_announced(tmp_path: Path, daemon: subprocess.Popen[bytes],
                                      mqtt_listener: MqttListener) -> None:
    ask(mqtt_listener, "set a timer for 3 seconds")
    mqtt_listener.wait_for("hermes/intent/HassStartTimer", timeout=10)
    log = tmp_path / "daemon.log"
    deadline = time.monotonic() + 15
    while "timer is done" not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, "the timer was not announced"
        time.sleep(0.3)


def test_hermes_tts_say_is_spoken(daemon: subprocess.Popen[bytes], mqtt_listener: MqttListener) -> None:
    mqtt_listener.publish("hermes/tts/say", json.dumps({"text": "Dinner is ready", "siteId": SITE, "id": "x1"}))
    finished = json.loads(mqtt_listener.wait_for("hermes/tts/sayFinished", timeout=15).payload)
    assert finished["id"] == "x1"


def test_systemd_notifications(tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener,
                               quiet_input: Path) -> None:
    notify_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(1.0)
    config = write_config(tmp_path, mosquitto.host, mosquitto.port)
    process = start_daemon(tmp_path, config, "--input", str(quiet_input), "--realtime",
                           "--output", str(tmp_path / "replies.wav"),
                           env={"NOTIFY_SOCKET": str(notify_path), "WATCHDOG_USEC": "1000000"})
    received: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and sum("WATCHDOG=1" in m for m in received) < 3:
            try:
                received.append(sock.recv(4096).decode())
            except TimeoutError:
                assert process.poll() is None, "the daemon exited"
        assert any("READY=1" in m for m in received)
        assert sum("WATCHDOG=1" in m for m in received) >= 3
        process.terminate()
        process.wait(timeout=10)
        while True:
            try:
                received.append(sock.recv(4096).decode())
            except TimeoutError:
                break
        assert any("STOPPING=1" in m for m in received)
        assert process.returncode == 0
    finally:
        stop_daemon(process, tmp_path)
        sock.close()


def test_daemon_stays_up_without_broker_and_connects_later(tmp_path: Path, quiet_input: Path) -> None:
    from mosquitto import Mosquitto as Broker
    from mosquitto import MqttListener as Listener

    broker = Broker(tmp_path / "late-broker")
    config = write_config(tmp_path, broker.host, broker.port, mqtt={"reconnect_max_delay": 2.0})
    process = start_daemon(tmp_path, config, "--input", str(quiet_input), "--realtime",
                           "--output", str(tmp_path / "replies.wav"))
    try:
        time.sleep(15)
        assert process.poll() is None, "the daemon must not exit when the broker is unreachable"
        broker.start()
        listener = Listener(broker).connect()
        listener.wait_for(f"assistant/{SITE}/status", timeout=60, payload=b"online")
        publish_demo_house(listener)
        time.sleep(1)
        ask(listener, "turn off the coffee maker")
        assert listener.wait_for("tasmota/coffee/cmnd/POWER", timeout=10).payload == b"OFF"
        listener.close()
    finally:
        stop_daemon(process, tmp_path)
        broker.stop()


def test_no_microphone_keeps_the_daemon_serving_text_commands(
    tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener
) -> None:
    publish_demo_house(mqtt_listener)
    config = write_config(tmp_path, mosquitto.host, mosquitto.port)
    # No sound server: the microphone cannot be opened.
    process = start_daemon(tmp_path, config, "--output", str(tmp_path / "replies.wav"),
                           env={"PULSE_SERVER": f"unix:{tmp_path}/no-such-pulse", "AUDIODEV": "none"})
    try:
        mqtt_listener.wait_for(f"assistant/{SITE}/status", timeout=120, payload=b"online")
        mqtt_listener.wait_for(f"assistant/{SITE}/state", timeout=30, payload=b"error")
        ask(mqtt_listener, "turn on the coffee maker")
        assert mqtt_listener.wait_for("tasmota/coffee/cmnd/POWER", timeout=10).payload == b"ON"
        assert process.poll() is None
        assert "Retrying" in (tmp_path / "daemon.log").read_text(errors="replace")
    finally:
        stop_daemon(process, tmp_path)


def test_a_delayed_command_is_carried_out_when_its_timer_fires(daemon: subprocess.Popen[bytes],
                                                              mqtt_listener: MqttListener) -> None:
    ask(mqtt_listener, "turn on the coffee maker in 3 seconds")
    mqtt_listener.wait_for("hermes/intent/HassStartTimer", timeout=10)
    time.sleep(1.5)
    assert not mqtt_listener.messages("tasmota/coffee/cmnd/POWER"), "not before the timer fires"
    assert mqtt_listener.wait_for("tasmota/coffee/cmnd/POWER", timeout=10).payload == b"ON"
