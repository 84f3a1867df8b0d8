"""Demo mode: the whole chain working with nothing but this machine.

When no config is given and no broker answers, the assistant starts its own Mosquitto on a free
local port, announces a few simulated Home Assistant devices on it (assistant.demo), answers their
commands like real devices, and — when there is no microphone — plays the bundled sample commands
through the real chain, writing the spoken replies to a WAV file.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as mqtt

from assistant.config import Config
from assistant.demo import demo_retained, simulated_response

_LOGGER = logging.getLogger(__name__)

SAMPLE_COMMANDS = Path(__file__).resolve().parent / "data" / "demo_commands.wav"


def broker_reachable(host: str, port: int, timeout: float = 1.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class DemoEnvironment:
    config: Config
    broker: subprocess.Popen[bytes]
    devices: mqtt.Client
    workdir: Path

    @classmethod
    def start(cls, config: Config) -> DemoEnvironment:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise RuntimeError(
                "demo mode needs the mosquitto broker: `sudo apt-get install mosquitto` "
                "(or set mqtt.host / mqtt.port to your broker in a config file)"
            )
        workdir = Path(tempfile.mkdtemp(prefix="assistant-demo-"))
        port = free_port()
        conf = workdir / "mosquitto.conf"
        conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n")
        broker = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not broker_reachable("127.0.0.1", port, 0.2):
            if broker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the demo broker did not start (mosquitto -c {conf})")
            time.sleep(0.05)
        mqtt_settings = dataclasses.replace(config.mqtt, host="127.0.0.1", port=port, username=None,
                                            password=None, tls=False)
        demo_config = dataclasses.replace(
            config, mqtt=mqtt_settings,
            site=dataclasses.replace(config.site, area=config.site.area or "Living Room"),
            state_dir=config.state_dir or str(workdir / "state"),
        )
        devices = _start_devices(port)
        print(f"Demo mode: embedded broker on 127.0.0.1:{port} with simulated devices "
              "(kitchen light, living room lamp, bedside lamp, blinds, garage door, front door lock, "
              "thermostat, ceiling fan, robot vacuum, coffee maker).", flush=True)
        return cls(demo_config, broker, devices, workdir)

    @property
    def has_microphone(self) -> bool:
        try:
            import sounddevice

            sounddevice.query_devices(kind="input")
            return True
        except Exception:
            return False

    def sample_commands(self) -> Path:
        print(f"No microphone: playing the sample commands in {SAMPLE_COMMANDS.name} through the chain.",
              flush=True)
        return SAMPLE_COMMANDS

    @property
    def reply_path(self) -> Path:
        path = Path("demo-replies.wav").resolve()
        print(f"Spoken replies go to {path}.", flush=True)
        return path

    def stop(self) -> None:
        self.devices.loop_stop()
        self.devices.disconnect()
        self.broker.terminate()
        try:
            self.broker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.broker.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)


def _start_devices(port: int) -> mqtt.Client:
    """A client that plays the simulated devices: retained configs and states, and responses."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id="assistant-demo-devices")

    def on_message(c: mqtt.Client, _userdata: object, message: mqtt.MQTTMessage) -> None:
        payload = message.payload.decode("utf-8", "replace")
        responses = simulated_response(message.topic, payload)
        if responses:
            print(f"  device received {message.topic} {payload}", flush=True)
        for topic, state in responses:
            c.publish(topic, state, qos=1, retain=True)

    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.loop_start()
    for topic, payload in demo_retained():
        client.publish(topic, payload, qos=1, retain=True).wait_for_publish(5)
    for topic in ("home/#", "tasmota/+/cmnd/#", "zigbee2mqtt/+/set"):
        client.subscribe(topic, qos=1)
    return client
