"""Shared fixtures: a real Mosquitto broker and a listening MQTT client.

    def test_something(mosquitto, mqtt_listener):
        # mosquitto.host / mosquitto.port: a fresh broker on 127.0.0.1, stopped after the test
        mqtt_listener.publish("home/lamp/state", "ON", retain=True)   # act as a device
        mqtt_listener.wait_for("assistant/kitchen/status", payload=b"online")

`mosquitto_factory(users={...}, tls=True)` starts more brokers (password file, TLS listener with
`broker.ca_file` and `broker.tls_port`); `mqtt_listener_factory(broker, ...)` connects more
listeners (credentials, persistent sessions). Without mosquitto installed these fixtures fail
(they never skip) and say how to install it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mosquitto import Mosquitto, MosquittoNotFound, MqttListener

from assistant.brain import Brain
from assistant.config import load_config
from assistant.demo import demo_retained

CAR_CONFIG = Path(__file__).parent.parent / "examples" / "car.yaml"


def _broker(workdir: Path, **options: Any) -> Mosquitto:
    try:
        broker = Mosquitto(workdir, **options)
    except MosquittoNotFound as err:
        pytest.fail(str(err), pytrace=False)
    broker.start()
    return broker


@pytest.fixture(scope="module")
def brains() -> dict[str, Brain]:
    """The demo house with its devices' retained states ("home") and the car profile ("car"),
    without the language model: what the data-driven conversation tests run in."""
    home = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    for topic, payload in demo_retained():
        home.handle_message(topic, payload.encode(), retained=True)
    car = Brain.from_config(load_config(CAR_CONFIG), use_model=False, persist_timers=False)
    return {"home": home, "car": car}


@pytest.fixture(scope="module")
def loaded_states(brains: dict[str, Brain]) -> dict[str, Any]:
    return {house: brain.device_states() for house, brain in brains.items()}


@pytest.fixture
def fresh_brains(brains: dict[str, Brain], loaded_states: dict[str, Any]) -> dict[str, Brain]:
    """`brains` with every device back in its loaded state: what one test's commands assumed
    must not leak into the next."""
    for house, brain in brains.items():
        brain.restore_device_states(loaded_states[house])
    return brains


@pytest.fixture
def mosquitto(tmp_path: Path) -> Iterator[Mosquitto]:
    """A running broker of its own for this test (anonymous, plain TCP on 127.0.0.1)."""
    broker = _broker(tmp_path / "mosquitto")
    yield broker
    broker.stop()


@pytest.fixture
def mosquitto_factory(tmp_path: Path) -> Iterator[Callable[..., Mosquitto]]:
    """Start brokers with options: `users={"name": "password"}`, `tls=True`, `port=...`."""
    brokers: list[Mosquitto] = []

    def start(**options: Any) -> Mosquitto:
        broker = _broker(tmp_path / f"mosquitto-{len(brokers)}", **options)
        brokers.append(broker)
        return broker

    yield start
    for broker in brokers:
        broker.stop()


@pytest.fixture
def mqtt_listener(mosquitto: Mosquitto) -> Iterator[MqttListener]:
    """A client subscribed to "#" on `mosquitto`, recording every message."""
    listener = MqttListener(mosquitto).connect()
    yield listener
    listener.close()


@pytest.fixture
def mqtt_listener_factory() -> Iterator[Callable[..., MqttListener]]:
    """Connect listeners: `(broker, topics=("#",), username=, password=, persistent=False)`."""
    listeners: list[MqttListener] = []

    def connect(broker: Mosquitto, *args: Any, **options: Any) -> MqttListener:
        listener = MqttListener(broker, *args, **options).connect()
        listeners.append(listener)
        return listener

    yield connect
    for listener in listeners:
        listener.close()
