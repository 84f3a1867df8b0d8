"""`assistant doctor` against a real Mosquitto, the bundled models and a virtual sound card."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from mosquitto import Mosquitto, MqttListener, free_port
from virtual_audio import VirtualAudio

from assistant.doctor import OK, PROBLEM, WARN, Check, check_models, check_mqtt, check_service, service_checks

LIGHT = {"name": "Kitchen light", "cmd_t": "home/kitchen/light/set", "uniq_id": "kitchen_light"}
SWITCH = {"name": "Coffee maker", "command_topic": "tasmota/coffee/cmnd/POWER", "unique_id": "coffee"}
ZIGBEE_DEVICE = {  # device-based discovery: one message, two entities
    "dev": {"ids": "0x00158d0001", "name": "Hallway sensor"},
    "o": {"name": "Zigbee2MQTT"},
    "cmps": {
        "temperature": {"p": "sensor", "stat_t": "zigbee2mqtt/hallway", "uniq_id": "hallway_t"},
        "humidity": {"p": "sensor", "stat_t": "zigbee2mqtt/hallway", "uniq_id": "hallway_h"},
    },
}


def mqtt_options(broker: Mosquitto, **overrides: Any) -> SimpleNamespace:
    settings = {
        "host": broker.host,
        "port": broker.port,
        "username": None,
        "password": None,
        "tls": False,
        "ca_file": None,
        "cert_file": None,
        "key_file": None,
        "tls_insecure": False,
        "discovery_prefix": "homeassistant",
    }
    return SimpleNamespace(**{**settings, **overrides})


def lines(checks: Iterator[Check]) -> list[str]:
    return [check.line() for check in checks]


# --- broker and discovery --------------------------------------------------------------------


def test_broker_ok_and_discovery_counted(mosquitto: Mosquitto, mqtt_listener: MqttListener) -> None:
    mqtt_listener.publish("homeassistant/light/kitchen/config", json.dumps(LIGHT), retain=True)
    mqtt_listener.publish("homeassistant/switch/coffee/config", json.dumps(SWITCH), retain=True)
    mqtt_listener.publish("homeassistant/device/hallway/config", json.dumps(ZIGBEE_DEVICE), retain=True)

    checks = list(check_mqtt(mqtt_options(mosquitto), discovery_seconds=1.0))

    assert [check.status for check in checks] == [OK, OK]
    assert checks[0].line() == f"OK       broker: connected to 127.0.0.1:{mosquitto.port} as anonymous"
    assert checks[1].subject == "discovery (homeassistant/#)"
    assert checks[1].detail.startswith("4 entities from 3 config message(s)")
    assert checks[1].detail.endswith(": light 1, sensor 2, switch 1")


def test_unusable_discovery_config_is_a_warning(mosquitto: Mosquitto, mqtt_listener: MqttListener) -> None:
    mqtt_listener.publish("homeassistant/light/kitchen/config", json.dumps(LIGHT), retain=True)
    mqtt_listener.publish("homeassistant/switch/broken/config", json.dumps({"name": "No topic"}), retain=True)

    checks = list(check_mqtt(mqtt_options(mosquitto), discovery_seconds=1.0))

    assert checks[1].status == WARN
    assert "1 entities from 1 config message(s)" in checks[1].detail
    assert "1 config(s) ignored" in checks[1].detail


def test_no_discovery_messages_asks_whether_discovery_is_enabled(mosquitto: Mosquitto) -> None:
    checks = list(check_mqtt(mqtt_options(mosquitto, discovery_prefix="ha"), discovery_seconds=0.5))

    assert checks[0].status == OK
    assert checks[1].status == WARN
    assert checks[1].subject == "discovery (ha/#)"
    assert "is MQTT discovery enabled in Zigbee2MQTT/Tasmota" in checks[1].detail
    assert "'ha' (mqtt.discovery_prefix)" in checks[1].detail


def test_closed_port_is_a_problem_in_words(tmp_path: Path) -> None:
    broker = SimpleNamespace(host="127.0.0.1", port=free_port())

    started = time.monotonic()
    checks = lines(check_mqtt(mqtt_options(broker)))  # type: ignore[arg-type]

    assert checks == [
        f"PROBLEM  broker: cannot connect to 127.0.0.1:{broker.port}: connection refused. Nothing listens "
        "there: is the broker (Mosquitto) running, and are mqtt.host and mqtt.port right?"
    ]
    assert time.monotonic() - started < 5


def test_unknown_host_is_named() -> None:
    broker = SimpleNamespace(host="no-such-broker.invalid", port=1883)
    checks = lines(check_mqtt(mqtt_options(broker)))  # type: ignore[arg-type]
    assert len(checks) == 1
    assert checks[0].startswith("PROBLEM  broker: cannot find the host 'no-such-broker.invalid' (mqtt.host)")


@pytest.mark.parametrize(
    ("username", "password"),
    [("assistant", "wrong"), (None, None)],
    ids=["wrong-password", "anonymous"],
)
def test_refused_login_is_explained(mosquitto_factory: Any, username: str | None, password: str | None) -> None:
    broker = mosquitto_factory(users={"assistant": "secret"})

    checks = list(check_mqtt(mqtt_options(broker, username=username, password=password)))

    assert len(checks) == 1
    assert checks[0].status == PROBLEM
    assert f"127.0.0.1:{broker.port} refused the connection: not authorised" in checks[0].detail
    assert "mqtt.username and mqtt.password" in checks[0].detail


def test_right_password_connects(mosquitto_factory: Any) -> None:
    broker = mosquitto_factory(users={"assistant": "secret"})
    options = mqtt_options(broker, username="assistant", password="secret")

    checks = list(check_mqtt(options, discovery_seconds=0.2))

    assert checks[0].line() == f"OK       broker: connected to 127.0.0.1:{broker.port} as user 'assistant'"


def test_tls_with_the_broker_ca_and_without_it(mosquitto_factory: Any) -> None:
    broker = mosquitto_factory(tls=True)
    trusted = mqtt_options(broker, port=broker.tls_port, tls=True, ca_file=str(broker.ca_file))
    untrusted = mqtt_options(broker, port=broker.tls_port, tls=True)
    plain_on_tls_port = mqtt_options(broker, port=broker.tls_port)

    connected, _discovery = list(check_mqtt(trusted, discovery_seconds=0.2))
    assert connected.line() == f"OK       broker: connected to 127.0.0.1:{broker.tls_port} as anonymous over TLS"
    [refused] = list(check_mqtt(untrusted))
    assert refused.status == PROBLEM
    assert f"the TLS certificate of 127.0.0.1:{broker.tls_port} is not trusted" in refused.detail
    assert "Set mqtt.ca_file" in refused.detail
    [confused] = list(check_mqtt(plain_on_tls_port))
    assert confused.status == PROBLEM
    assert "instead of answering MQTT. Is this a TLS port? Then set mqtt.tls: true" in confused.detail


# --- models ----------------------------------------------------------------------------------


def test_bundled_models_are_found_and_a_missing_one_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "tiny-llm.gguf"
    checks = list(
        check_models(
            SimpleNamespace(model="tiny.en"),
            SimpleNamespace(voice="en_US-joe-medium"),
            SimpleNamespace(model=str(missing)),
        )
    )

    assert [check.status for check in checks] == [OK, OK, PROBLEM]
    assert checks[0].subject == "speech recognition (stt.model 'tiny.en')"
    assert Path(checks[0].detail, "model.bin").is_file()
    assert checks[1].detail.endswith("en_US-joe-medium.onnx")
    assert checks[2].line() == (
        f"PROBLEM  language model (llm.model '{missing}'): language model '{missing}': {missing} does "
        "not exist (llm.model takes 'smollm2-135m', 'gemma3-270m' or a path to a .gguf file)"
    )


@pytest.mark.slow
def test_load_models_loads_each_and_reports_a_broken_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF but not really a model")
    checks = list(
        check_models(
            SimpleNamespace(model="tiny.en"),
            SimpleNamespace(voice="en_US-joe-medium"),
            SimpleNamespace(model=str(broken)),
            load=True,
        )
    )

    assert [check.status for check in checks] == [OK, OK, PROBLEM]
    assert "(loads in " in checks[0].detail
    assert "(loads in " in checks[1].detail
    assert checks[2].detail.startswith(f"{broken} does not load: ")


# --- the systemd service ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "active", "expected"),
    [
        ("enabled", "active", ["OK       service: installed and enabled: starts at boot", "OK       service: running"]),
        (
            "disabled",
            "inactive",
            [
                "WARN     service: installed but disabled, so it does not start at boot: "
                "sudo systemctl enable assistant",
                "WARN     service: not running (inactive): sudo systemctl start assistant",
            ],
        ),
        (
            "enabled",
            "failed",
            [
                "OK       service: installed and enabled: starts at boot",
                "PROBLEM  service: failed: see why with `journalctl -u assistant -n 50`",
            ],
        ),
        (
            "",
            "inactive",
            [
                "WARN     service: the assistant service is not installed; to run at boot: "
                "sudo scripts/install-service.sh"
            ],
        ),
        (
            "masked",
            "inactive",
            [
                "PROBLEM  service: the assistant service is masked: sudo systemctl unmask assistant",
                "WARN     service: not running (inactive): sudo systemctl start assistant",
            ],
        ),
    ],
)
def test_service_states_in_words(enabled: str, active: str, expected: list[str]) -> None:
    assert lines(service_checks("assistant", enabled, active)) == expected


def test_service_check_without_systemd_is_skipped_with_a_reason() -> None:
    checks = list(check_service())
    if Path("/run/systemd/system").is_dir():
        assert checks
        assert all(check.subject == "service" for check in checks)
    else:
        assert lines(iter(checks)) == [
            "WARN     service: systemd is not running on this machine (a container?), so the service was not checked"
        ]


# --- the whole command, on a virtual sound card ----------------------------------------------


@pytest.fixture
def virtual_audio(tmp_path: Path) -> Iterator[VirtualAudio]:
    audio = VirtualAudio(tmp_path).start()
    yield audio
    audio.stop()


def run_doctor_command(tmp_path: Path, broker: Mosquitto, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.yaml"
    # smollm2 ships whole; gemma3 would be assembled (250 MB) into this test's $HOME first.
    config.write_text(f"mqtt:\n  host: {broker.host}\n  port: {broker.port}\nllm:\n  model: smollm2-135m\n")
    return subprocess.run(
        [sys.executable, "-m", "assistant.cli", "doctor", "--config", str(config)],
        env={**env, "PYTHONPATH": os.pathsep.join(sys.path)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_doctor_command_finds_a_muted_microphone(
    tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener, virtual_audio: VirtualAudio
) -> None:
    mqtt_listener.publish("homeassistant/light/kitchen/config", json.dumps(LIGHT), retain=True)

    result = run_doctor_command(tmp_path, mosquitto, virtual_audio.env)

    output = result.stdout
    assert result.returncode == 1, output + result.stderr
    assert "  OK       microphone: " in output
    assert " input device(s): " in output
    assert "  OK       microphone: 'default' opens" in output
    assert "  PROBLEM  microphone level: silent (digital silence over 1 s) — is the microphone muted?" in output
    assert "  OK       speaker: 'default'" in output
    assert f"  OK       broker: connected to 127.0.0.1:{mosquitto.port} as anonymous" in output
    assert "  OK       discovery (homeassistant/#): 1 entities from 1 config message(s) in 3 s: light 1" in output
    assert "1 problem(s)" in output


def test_doctor_command_hears_the_microphone(
    tmp_path: Path, mosquitto: Mosquitto, mqtt_listener: MqttListener, virtual_audio: VirtualAudio
) -> None:
    mqtt_listener.publish("homeassistant/switch/coffee/config", json.dumps(SWITCH), retain=True)
    tone = tmp_path / "tone.wav"
    subprocess.run(
        ["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(tone), "synth", "6", "sine", "440", "vol", "0.5"],
        check=True,
    )
    player = subprocess.Popen(["paplay", "-d", "mic", str(tone)], env=virtual_audio.env)
    try:
        result = run_doctor_command(tmp_path, mosquitto, virtual_audio.env)
    finally:
        player.terminate()
        player.wait(timeout=5)

    output = result.stdout
    assert result.returncode == 0, output + result.stderr
    level = next(line for line in output.splitlines() if "microphone level" in line)
    assert level.startswith("  OK       microphone level: -")
    assert -20 < float(level.split(": ")[1].split()[0]) < -3  # a 0.5 sine is -9 dBFS
    assert "No problems" in output
