"""A real Mosquitto broker and a plain paho client for tests; never a mock broker.

`Mosquitto` runs the system's `mosquitto` on a free port of 127.0.0.1 with its files in a
temporary directory: optionally users (a password file made with `mosquitto_passwd -b`) and a TLS
listener (a CA and a server certificate for 127.0.0.1 made with `openssl`). Persistence is on, as
on a real install, so retained messages and persistent sessions survive `restart()`.

`MqttListener` subscribes (to "#" by default), records everything it receives and lets a test
`wait_for` a topic, or `publish` as a device or Home Assistant would.

The fixtures that use these live in conftest.py (`mosquitto`, `mosquitto_factory`,
`mqtt_listener`, `mqtt_listener_factory`).
"""

from __future__ import annotations

import getpass
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

INSTALL_HINT = "apt-get install mosquitto"


class MosquittoNotFound(RuntimeError):
    """The mosquitto binary is not installed."""


def find_mosquitto() -> str:
    """The mosquitto binary: on PATH, or where Debian puts it (/usr/sbin is not on a user's PATH)."""
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise MosquittoNotFound(f"mosquitto is not installed - the MQTT tests need it: {INSTALL_HINT}")
    return found


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mosquitto:
    """One broker process. `host`/`port` is the plain listener, `tls_port` the TLS one (if any)."""

    def __init__(
        self,
        workdir: Path,
        *,
        users: dict[str, str] | None = None,
        tls: bool = False,
        port: int | None = None,
        log_all: bool = False,
    ) -> None:
        self.binary = find_mosquitto()
        self.workdir = workdir
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.tls_port: int | None = free_port() if tls else None
        self.users = dict(users or {})
        self.log_all = log_all
        self.ca_file: Path | None = None
        """The CA that signed the broker's certificate (when `tls`); give it to clients."""
        self.log_file = workdir / "mosquitto.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._config_file = self._write_config()

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 10.0) -> None:
        """Start the broker and wait until its listeners accept connections."""
        if self.running:
            return
        with self.log_file.open("ab") as log:
            self._process = subprocess.Popen(
                [self.binary, "-c", str(self._config_file)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + timeout
        for port in (self.port, self.tls_port):
            if port is None:
                continue
            while not _accepts(self.host, port):
                if self._process.poll() is not None:
                    code = self._process.returncode
                    raise RuntimeError(f"mosquitto exited with code {code}:\n{self.log()}")
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"mosquitto not listening on {port} after {timeout} s:\n{self.log()}")
                time.sleep(0.02)

    def stop(self) -> None:
        """Stop the broker (SIGTERM, so it saves its persistence file) and wait for it."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGCONT)
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def restart(self) -> None:
        self.stop()
        self.start()

    def kill(self) -> None:
        """Kill the broker (SIGKILL): connections drop at once, nothing is saved."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            process.kill()
            process.wait(timeout=5)

    def pause(self) -> None:
        """Freeze the broker (SIGSTOP): connections stay open but nothing is answered."""
        if self._process is not None:
            self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        if self._process is not None:
            self._process.send_signal(signal.SIGCONT)

    def received_publish(self, topic: str) -> bool:
        """Whether the broker logged a PUBLISH on `topic` (needs `log_all=True`)."""
        return f"'{topic}'" in self.log()

    def log(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def _write_config(self) -> Path:
        lines = [
            f"user {getpass.getuser()}",
            "persistence true",
            f"persistence_location {self.workdir}/",
            f"listener {self.port} {self.host}",
        ]
        if self.log_all:
            lines.append("log_type all")
        if self.users:
            lines += [f"password_file {self._write_passwords()}", "allow_anonymous false"]
        else:
            lines.append("allow_anonymous true")
        if self.tls_port is not None:
            self.ca_file, certificate, key = _make_certificates(self.workdir / "tls")
            lines += [
                f"listener {self.tls_port} {self.host}",
                f"cafile {self.ca_file}",
                f"certfile {certificate}",
                f"keyfile {key}",
            ]
        path = self.workdir / "mosquitto.conf"
        path.write_text("\n".join(lines) + "\n")
        return path

    def _write_passwords(self) -> Path:
        path = self.workdir / "passwords"
        tool = shutil.which("mosquitto_passwd") or shutil.which("mosquitto_passwd", path="/usr/sbin")
        if tool is None:
            raise MosquittoNotFound(f"mosquitto_passwd is not installed: {INSTALL_HINT}")
        path.touch(mode=0o600)
        for user, password in self.users.items():
            subprocess.run([tool, "-b", str(path), user, password], check=True, capture_output=True)
        return path


def _accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.2):
            return True
    except OSError:
        return False


def _make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throw-away CA and a server certificate for 127.0.0.1 / localhost signed by it."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = folder / "ca.key", folder / "ca.crt"
    key, request, cert = folder / "server.key", folder / "server.csr", folder / "server.crt"
    extensions = folder / "server.ext"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
    )
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    commands = [
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_cert, "-days", "2",
         "-subj", "/CN=assistant test CA", "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        ["openssl", "req", *ec, "-keyout", key, "-out", request, "-subj", "/CN=127.0.0.1"],
        ["openssl", "x509", "-req", "-in", request, "-CA", ca_cert, "-CAkey", ca_key, "-CAcreateserial",
         "-out", cert, "-days", "2", "-extfile", extensions],
    ]
    for command in commands:
        result = subprocess.run([str(part) for part in command], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, command))} failed:\n{result.stderr}")
    os.chmod(key, 0o644)
    return ca_cert, cert, key


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    retained: bool
    """Delivered as a retained message (stored before this client subscribed)."""


class MqttListener:
    """A plain paho client that records what it receives; reconnects on its own.

    `persistent=True` keeps its session on the broker (clean_session off, QoS 1): the broker
    queues what arrives while it is disconnected, even across a broker restart.
    """

    def __init__(
        self,
        broker: Mosquitto,
        topics: tuple[str, ...] = ("#",),
        *,
        username: str | None = None,
        password: str | None = None,
        persistent: bool = False,
    ) -> None:
        self.broker = broker
        self.topics = topics
        self.received: list[Received] = []
        self._condition = threading.Condition()
        self._subscribed = threading.Event()
        self._client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"test-listener-{uuid.uuid4().hex[:8]}",
            clean_session=not persistent,
        )
        self._client.reconnect_delay_set(0.1, 0.5)  # type: ignore[arg-type]
        if username is not None:
            self._client.username_pw_set(username, password)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = lambda *_args: self._subscribed.set()
        self._client.on_disconnect = lambda *_args: self._subscribed.clear()
        self._client.on_message = self._on_message

    def connect(self, timeout: float = 5.0) -> MqttListener:
        """Connect, subscribe, and wait for the broker to confirm the subscription."""
        self._client.connect_async(self.broker.host, self.broker.port, keepalive=10)
        self._client.loop_start()
        if not self._subscribed.wait(timeout):
            raise AssertionError(f"test listener not subscribed after {timeout} s:\n{self.broker.log()}")
        return self

    def close(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def publish(self, topic: str, payload: str | bytes, retain: bool = False, timeout: float = 5.0) -> None:
        """Publish (QoS 1) and wait until the broker has it; after a broker restart, reconnect first."""
        if not self._subscribed.wait(timeout):
            raise AssertionError(f"test listener not connected after {timeout} s:\n{self.broker.log()}")
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        info.wait_for_publish(timeout)
        if not info.is_published():
            raise AssertionError(f"the broker did not acknowledge {topic} within {timeout} s")

    def wait_for(self, topic: str, timeout: float = 5.0, payload: bytes | None = None) -> Received:
        """The first message received on `topic` (with `payload`, if given), waiting for it.

        `topic` may be an MQTT filter with `+` and `#`.
        """
        deadline = time.monotonic() + timeout
        with self._condition:
            while True:
                for message in self.received:
                    if paho.topic_matches_sub(topic, message.topic) and payload in (None, message.payload):
                        return message
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(m.topic, m.payload[:60]) for m in self.received][-20:]
                    wanted = f"{topic} with payload {payload!r}" if payload is not None else topic
                    raise AssertionError(f"nothing on {wanted} within {timeout} s; last received: {seen}")
                self._condition.wait(remaining)

    def messages(self, topic: str) -> list[Received]:
        """Every message received so far on `topic` (an MQTT filter: `+` and `#` work)."""
        with self._condition:
            return [message for message in self.received if paho.topic_matches_sub(topic, message.topic)]

    def clear(self) -> None:
        with self._condition:
            self.received.clear()

    def _on_connect(self, client: paho.Client, *_args: object) -> None:
        client.subscribe([(topic, 1) for topic in self.topics])

    def _on_message(self, _client: paho.Client, _userdata: object, message: paho.MQTTMessage) -> None:
        with self._condition:
            self.received.append(Received(message.topic, message.payload, bool(message.retain)))
            self._condition.notify_all()
