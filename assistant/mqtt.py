"""The connection to the MQTT broker (paho-mqtt 2.x, MQTT 3.1.1 or 5).

`MqttLink` keeps one connection up for the life of the daemon: it connects in the background (the
daemon starts even when the broker is down), reconnects with backoff, subscribes again after every
reconnect, and announces itself with a retained `online`/`offline` status (the last will covers a
crash or a lost network).

Device commands go through `send_command`, which never fires late: a command is handed to paho
only while connected, and one the broker has not acknowledged (PUBACK) within
`command_timeout` is dropped, including from paho's own resend queue at the next reconnect. A
light that switches on three minutes after it was asked would be worse than one that does not.

Threads: paho calls back on its network thread. `on_message` must only hand the message over
(put it on a queue). Two locks keep the bookkeeping straight: `_paho_lock` serialises every hand-
over to paho with the reconnect handling, `_lock` guards the fields and is never held while
calling paho (paho calls `on_publish` with its own lock held).
"""

from __future__ import annotations

import logging
import socket
import ssl
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode
from paho.mqtt.reasoncodes import ReasonCode

from assistant.self_entities import SelfTopics

_LOGGER = logging.getLogger(__name__)
_PAHO_LOGGER = logging.getLogger(f"{__name__}.paho")

STOP_TIMEOUT = 2.0
"""Seconds `stop()` may take: publish `offline`, disconnect, end paho's thread."""


@dataclass(frozen=True)
class MqttSettings:
    """How to reach the broker. Mapped from the `mqtt:` section of config.yaml."""

    host: str = "localhost"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    tls: bool = False
    """Connect with TLS; the broker's certificate is checked against `ca_file` (or the system CAs)."""
    ca_file: str | None = None
    cert_file: str | None = None
    """Client certificate, for brokers that require one (with `key_file`)."""
    key_file: str | None = None
    tls_insecure: bool = False
    """Accept a certificate whose host name does not match (self-signed test brokers only)."""
    client_id: str | None = None
    """Default: "assistant-<site_id>"."""
    keepalive: int = 30
    protocol: Literal["3.1.1", "5"] = "3.1.1"
    discovery_prefix: str = "homeassistant"
    base_topic: str = "assistant"
    """The assistant's own topics live under `<base_topic>/<site_id>/`."""
    command_timeout: float = 5.0
    """Seconds a device command may wait for the broker; after that it is dropped, never sent late."""
    reconnect_min_delay: float = 1.0
    reconnect_max_delay: float = 30.0


@dataclass(frozen=True)
class CommandResult:
    """What became of one device command."""

    topic: str
    delivered: bool
    """The broker acknowledged it (PUBACK) in time."""
    reason: str
    """"delivered", or why not, in words for the log and the user."""
    seconds: float
    """From the call to the acknowledgement or to giving up."""


@dataclass(eq=False)
class _Message:
    """One QoS 1 message on its way to the broker; `done` is set on PUBACK or when given up."""

    topic: str
    payload: bytes
    retain: bool
    is_command: bool
    deadline: float = float("inf")
    qos: int = 1
    done: threading.Event = field(default_factory=threading.Event)
    delivered: bool = False
    failure: str | None = None
    expired: bool = False


MessageCallback = Callable[[str, bytes, bool], None]


class MqttLink:
    """The daemon's connection to the broker. See the module docstring for the guarantees."""

    def __init__(self, settings: MqttSettings, site_id: str, on_message: MessageCallback) -> None:
        self.settings = settings
        self.site_id = site_id
        own_topics = SelfTopics(site_id, settings.base_topic)
        self.status_topic = own_topics.status_topic
        self.last_error: str | None = None
        """Why the link is not connected, in words for the user; None while connected."""
        self._on_message_callback = on_message
        self._address = f"{settings.host}:{settings.port}"
        self._paho_lock = threading.Lock()
        self._lock = threading.Lock()
        self._connected = False
        self._connected_event = threading.Event()
        self._stopping = False
        self._started = False
        self._logged_error: str | None = None
        prefix = settings.discovery_prefix
        # `<prefix>/+/+/config` also matches `<prefix>/device/<id>/config`; subscribing to both
        # would make some brokers deliver device discovery messages twice.
        self._subscriptions: dict[str, None] = dict.fromkeys(
            [
                f"{prefix}/+/+/config",
                f"{prefix}/+/+/+/config",
                "homeassistant/status",
                "hermes/nlu/query",
                "hermes/tts/say",
                *own_topics.command_topics(),
            ]
        )
        self._outbox: list[_Message] = []
        self._in_flight: dict[int, _Message] = {}
        self._early_acks: dict[int, ReasonCode] = {}
        self._retained_backlog: dict[str, _Message] = {}
        self._client = self._make_client()

    # --- public interface ------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        with self._lock:
            return self._connected

    def wait_connected(self, timeout: float) -> bool:
        """Wait until connected (subscriptions sent, `online` published); False on timeout."""
        return self._connected_event.wait(timeout)

    def start(self) -> None:
        """Connect in the background; returns at once, also when the broker is unreachable."""
        if self._started:
            return
        self._started = True
        with self._lock:
            self._stopping = False
        kwargs: dict[str, Any] = {"keepalive": self.settings.keepalive}
        if self.settings.protocol == "5":
            kwargs["clean_start"] = True
        _LOGGER.info("Connecting to the MQTT broker at %s as %s", self._address, self._client_id)
        self._client.connect_async(self.settings.host, self.settings.port, **kwargs)
        self._client.loop_start()

    def stop(self) -> None:
        """Publish `offline`, disconnect cleanly and end paho's thread, all within STOP_TIMEOUT."""
        if not self._started:
            return
        deadline = time.monotonic() + STOP_TIMEOUT
        if self.connected:
            offline = _Message(self.status_topic, b"offline", retain=True, is_command=False)
            with self._paho_lock:
                self._hand(offline)
            offline.done.wait(max(0.0, deadline - time.monotonic() - 0.5))
        with self._lock:
            self._stopping = True
        self._client.disconnect()
        stopper = threading.Thread(target=self._client.loop_stop, name="mqtt-stop", daemon=True)
        stopper.start()
        stopper.join(max(0.1, deadline - time.monotonic()))
        if stopper.is_alive():
            _LOGGER.warning("The MQTT network thread did not end within %.0f s; leaving it", STOP_TIMEOUT)
        with self._lock:
            self._connected = False
        self._connected_event.clear()
        self._started = False

    def subscribe(self, topic: str) -> None:
        """Subscribe now if connected, and again after every reconnect."""
        with self._lock:
            new = topic not in self._subscriptions
            self._subscriptions[topic] = None
            connected = self._connected
        if new and connected:
            self._client.subscribe(topic, qos=1)

    def resubscribe(self, topic: str) -> None:
        """Subscribe again so the broker delivers the topic's retained messages anew (re-learning
        discovery configs when Home Assistant comes back online)."""
        with self._lock:
            self._subscriptions[topic] = None
            connected = self._connected
        if connected:
            self._client.subscribe(topic, qos=1)

    def unsubscribe(self, topic: str) -> None:
        """Stop receiving a topic (a device that was removed)."""
        with self._lock:
            known = topic in self._subscriptions
            self._subscriptions.pop(topic, None)
            connected = self._connected
        if known and connected:
            self._client.unsubscribe(topic)

    def publish(self, topic: str, payload: str | bytes, retain: bool = False, qos: int = 1) -> None:
        """Publish on the assistant's own topics (state, events, Hermes, discovery).

        While disconnected, the latest retained message per topic is kept and sent after the
        reconnect; non-retained messages (events) are dropped, as they only mean something when
        they happen.
        """
        data = payload.encode("utf-8") if isinstance(payload, str) else payload
        message = _Message(topic, data, retain=retain, is_command=False, qos=qos)
        with self._paho_lock:
            with self._lock:
                connected = self._connected
                if not connected and retain:
                    self._retained_backlog[topic] = message
            if connected:
                self._hand(message)
            elif not retain:
                _LOGGER.debug("Not connected to the MQTT broker; dropped a message for %s", topic)

    def send_command(self, topic: str, payload: str) -> CommandResult:
        """Publish a device command (QoS 1) and wait for the broker's PUBACK, at most command_timeout.

        Blocks; call it from a worker thread. A command the broker has not acknowledged in time is
        dropped and will not be sent later: the result says why.
        """
        start = time.monotonic()
        timeout = self.settings.command_timeout
        command = _Message(topic, payload.encode("utf-8"), False, is_command=True, deadline=start + timeout)
        with self._paho_lock:
            with self._lock:
                self._outbox.append(command)
                connected = self._connected
            if connected:
                self._hand(command)
        command.done.wait(timeout)
        with self._lock:
            if not command.done.is_set():
                command.expired = True
                command.done.set()
                self._outbox.remove(command)
                broker = f"the MQTT broker at {self._address}"
                if self._connected:
                    command.failure = f"no acknowledgement from {broker} within {timeout:g} s"
                else:
                    cause = f": {self.last_error}" if self.last_error else ""
                    command.failure = f"not connected to {broker} within {timeout:g} s{cause}"
        seconds = time.monotonic() - start
        if command.delivered:
            return CommandResult(topic, True, "delivered", seconds)
        reason = command.failure or "not delivered"
        _LOGGER.warning("Dropped the command for %s: %s", topic, reason)
        return CommandResult(topic, False, reason, seconds)

    # --- paho plumbing ---------------------------------------------------------------------------

    @property
    def _client_id(self) -> str:
        return self.settings.client_id or f"assistant-{self.site_id}"

    def _make_client(self) -> paho.Client:
        settings = self.settings
        if settings.protocol not in ("3.1.1", "5"):
            raise ValueError(f"mqtt.protocol must be \"3.1.1\" or \"5\", got {settings.protocol!r}")
        protocol = paho.MQTTv5 if settings.protocol == "5" else paho.MQTTv311
        client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self._client_id,
            protocol=protocol,
            clean_session=None if protocol == paho.MQTTv5 else True,
        )
        client.on_log = self._on_log
        client.suppress_exceptions = True
        client.reconnect_delay_set(settings.reconnect_min_delay, settings.reconnect_max_delay)  # type: ignore[arg-type]
        client.will_set(self.status_topic, "offline", qos=1, retain=True)
        if settings.username is not None:
            client.username_pw_set(settings.username, settings.password)
        if settings.tls:
            try:
                client.tls_set(settings.ca_file, settings.cert_file, settings.key_file)
            except (OSError, ssl.SSLError) as err:
                raise ValueError(
                    f"mqtt: cannot load the TLS files (mqtt.ca_file={settings.ca_file!r}, "
                    f"mqtt.cert_file={settings.cert_file!r}, mqtt.key_file={settings.key_file!r}): {err}"
                ) from err
            if settings.tls_insecure:
                client.tls_insecure_set(True)
        client.on_connect = self._on_connect
        client.on_connect_fail = self._on_connect_fail
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_publish = self._on_publish
        return client

    def _hand(self, message: _Message) -> None:
        """Give a message to paho and remember its id. Call with `_paho_lock` held, `_lock` not."""
        info = self._client.publish(message.topic, message.payload, qos=message.qos, retain=message.retain)
        if info.rc not in (MQTTErrorCode.MQTT_ERR_SUCCESS, MQTTErrorCode.MQTT_ERR_NO_CONN):
            with self._lock:
                self._finish(message, None, f"paho refused to queue it: {paho.error_string(info.rc)}")
            return
        with self._lock:
            early = self._early_acks.pop(info.mid, None)
            if early is None:
                self._in_flight[info.mid] = message
            else:
                self._finish(message, early, None)

    def _finish(self, message: _Message, reason_code: ReasonCode | None, failure: str | None) -> None:
        """Record the broker's answer for a message. Call with `_lock` held."""
        if message.expired:
            if message.is_command and failure is None:
                _LOGGER.warning(
                    "The broker acknowledged the command for %s after its %g s deadline",
                    message.topic,
                    self.settings.command_timeout,
                )
            return
        if reason_code is not None and reason_code.is_failure:
            failure = f"the MQTT broker refused it: {reason_code}"
        message.delivered = failure is None
        message.failure = failure
        if message in self._outbox:
            self._outbox.remove(message)
        message.done.set()

    def _on_connect(
        self,
        client: paho.Client,
        userdata: Any,
        flags: Any,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        if reason_code.is_failure:
            self._record_error(self._refusal(reason_code))
            return
        with self._paho_lock:
            # paho would resend its unacknowledged messages right after this callback; take them
            # back so that only commands still inside their deadline go out again.
            dropped = client.drop_out_messages()
            with self._lock:
                self._connected = True
                self.last_error = None
                self._logged_error = None
                self._early_acks.clear()
                resend: dict[str, _Message] = {}
                for stale in dropped:
                    message = self._in_flight.pop(stale.mid, None)
                    if message is not None and message.retain and not message.done.is_set():
                        resend[message.topic] = message
                # Whatever else is left was never sent (QoS 0 while the connection was dropping).
                self._in_flight.clear()
                resend.update(self._retained_backlog)
                self._retained_backlog.clear()
                resend.pop(self.status_topic, None)
                commands = [command for command in self._outbox if not command.done.is_set()]
                subscriptions = list(self._subscriptions)
            client.subscribe([(topic, 1) for topic in subscriptions])
            self._hand(_Message(self.status_topic, b"online", retain=True, is_command=False))
            for message in resend.values():
                self._hand(message)
            for command in commands:
                if time.monotonic() < command.deadline:
                    self._hand(command)
        self._connected_event.set()
        _LOGGER.info(
            "Connected to the MQTT broker at %s (%d subscriptions, %d pending commands)",
            self._address,
            len(subscriptions),
            len(commands),
        )

    def _on_connect_fail(self, client: paho.Client, userdata: Any) -> None:
        # paho calls this from inside its `except OSError` block and does not pass the error on;
        # it is still the exception being handled.
        self._record_error(self._connect_failure(sys.exc_info()[1]))

    def _on_disconnect(
        self,
        client: paho.Client,
        userdata: Any,
        flags: Any,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        with self._lock:
            was_connected = self._connected
            self._connected = False
            stopping = self._stopping
        self._connected_event.clear()
        if was_connected and not stopping:
            # A broker's own reason (MQTT 5: "Session taken over"...) helps; paho's generic one does not.
            reason = "" if str(reason_code) == "Unspecified error" else f" ({reason_code})"
            self._record_error(f"lost the connection to the MQTT broker at {self._address}{reason}; retrying")

    def _on_message(self, client: paho.Client, userdata: Any, message: paho.MQTTMessage) -> None:
        try:
            self._on_message_callback(message.topic, message.payload, bool(message.retain))
        except Exception:
            _LOGGER.exception("The MQTT message handler failed on a message for %s", message.topic)

    def _on_publish(
        self,
        client: paho.Client,
        userdata: Any,
        mid: int,
        reason_code: ReasonCode,
        properties: Any,
    ) -> None:
        with self._lock:
            message = self._in_flight.pop(mid, None)
            if message is None:
                self._early_acks[mid] = reason_code
            else:
                self._finish(message, reason_code, None)

    def _on_log(self, client: paho.Client, userdata: Any, level: int, text: str) -> None:
        # paho reports every socket error itself; `_record_error` already says it once, in words.
        if text.startswith("Caught exception"):
            _LOGGER.error("Bug in an MQTT callback: %s", text)
        else:
            _PAHO_LOGGER.debug("%s", text)

    def _record_error(self, text: str) -> None:
        """Remember why we are not connected; log each distinct reason once, not every retry."""
        with self._lock:
            self.last_error = text
            repeated = text == self._logged_error
            self._logged_error = text
        if not repeated:
            _LOGGER.warning("%s", text)

    def _refusal(self, reason_code: ReasonCode) -> str:
        hints = {
            "Bad user name or password": " (mqtt.username / mqtt.password)",
            "Not authorized": " (mqtt.username / mqtt.password)",
            "Client identifier not valid": " (mqtt.client_id)",
            "Unsupported protocol version": " (mqtt.protocol)",
        }
        name = str(reason_code)
        return f"MQTT broker at {self._address} refused the connection: {name.lower()}{hints.get(name, '')}"

    def _connect_failure(self, error: BaseException | None) -> str:
        where = f"the MQTT broker at {self._address}"
        if isinstance(error, ConnectionRefusedError):
            return f"cannot connect to {where}: connection refused; is it running? (mqtt.host / mqtt.port)"
        if isinstance(error, socket.gaierror):
            return f"cannot find the MQTT broker host {self.settings.host!r} (mqtt.host): {error.strerror}"
        if isinstance(error, ssl.SSLCertVerificationError):
            return (
                f"the TLS certificate of {where} was not accepted: {error.verify_message} "
                "(mqtt.ca_file; mqtt.tls_insecure only for a test broker)"
            )
        if isinstance(error, ssl.SSLError):
            return f"the TLS handshake with {where} failed: {error} (mqtt.tls, mqtt.ca_file, mqtt.cert_file)"
        if isinstance(error, TimeoutError):
            return f"{where} did not answer in time (mqtt.host / mqtt.port)"
        if isinstance(error, OSError):
            return f"cannot connect to {where}: {error.strerror or error} (mqtt.host / mqtt.port)"
        return f"cannot connect to {where}"

