"""`assistant doctor`: check the things a working assistant needs, in plain language.

Each check prints one line, "OK", "WARN" or "PROBLEM", saying what was found and, when something
is wrong, what to do about it: sound devices and the microphone's level, the models (optionally
loaded), the MQTT broker and the discovery messages on it, and the systemd service.
"""

from __future__ import annotations

import math
import os
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TextIO

from assistant import models

OK = "OK"
WARN = "WARN"
PROBLEM = "PROBLEM"

SILENT_DBFS = -80.0
"""Below this the microphone delivers (next to) digital silence: muted, or the wrong input."""
QUIET_DBFS = -60.0
"""Below this even a quiet room's noise floor is missing: the capture level is very low."""


class MqttOptions(Protocol):
    """The `mqtt:` settings the doctor reads (assistant.mqtt.MqttSettings has them)."""

    @property
    def host(self) -> str: ...
    @property
    def port(self) -> int: ...
    @property
    def username(self) -> str | None: ...
    @property
    def password(self) -> str | None: ...
    @property
    def tls(self) -> bool: ...
    @property
    def ca_file(self) -> str | None: ...
    @property
    def cert_file(self) -> str | None: ...
    @property
    def key_file(self) -> str | None: ...
    @property
    def tls_insecure(self) -> bool: ...
    @property
    def discovery_prefix(self) -> str: ...


class AudioOptions(Protocol):
    """The `audio:` settings: a PortAudio device index, (part of) a name, or None for the default."""

    @property
    def input_device(self) -> str | int | None: ...
    @property
    def output_device(self) -> str | int | None: ...


class ModelOption(Protocol):
    """`stt.model` and `llm.model`: a bundled model's name or a path."""

    @property
    def model(self) -> str: ...


class VoiceOption(Protocol):
    """`tts.voice`: a bundled voice's name or the path of a Piper .onnx file."""

    @property
    def voice(self) -> str: ...


class DoctorConfig(Protocol):
    """What `run_doctor` reads of the configuration (assistant.config.Config has it)."""

    @property
    def mqtt(self) -> MqttOptions: ...
    @property
    def audio(self) -> AudioOptions: ...
    @property
    def stt(self) -> ModelOption: ...
    @property
    def tts(self) -> VoiceOption: ...
    @property
    def llm(self) -> ModelOption: ...


@dataclass(frozen=True)
class Check:
    """The outcome of one check: `status` is OK, WARN or PROBLEM."""

    status: str
    subject: str
    detail: str

    def line(self) -> str:
        return f"{self.status:<7}  {self.subject}: {self.detail}"


def run_doctor(
    config: DoctorConfig,
    *,
    load_models: bool = False,
    out: TextIO | None = None,
    listen_seconds: float = 1.0,
    discovery_seconds: float = 3.0,
    unit: str = "assistant",
) -> int:
    """Run every check, printing each line as it is known. 0 when nothing is a PROBLEM, else 1."""
    stream = out or sys.stdout
    sections: list[tuple[str, Callable[[], Iterator[Check]]]] = [
        (
            f"Sound (say something during the {listen_seconds:g} s microphone check)",
            lambda: check_audio(config.audio, listen_seconds),
        ),
        (
            "Models" + (" (loading each)" if load_models else ""),
            lambda: check_models(config.stt, config.tts, config.llm, load=load_models),
        ),
        (
            f"MQTT broker {config.mqtt.host}:{config.mqtt.port}",
            lambda: check_mqtt(config.mqtt, discovery_seconds=discovery_seconds),
        ),
        ("Service", lambda: check_service(unit)),
    ]
    problems = warnings = 0
    for title, checks in sections:
        print(title, file=stream, flush=True)
        for check in checks():
            print("  " + check.line(), file=stream, flush=True)
            problems += check.status == PROBLEM
            warnings += check.status == WARN
    if problems:
        print(f"{problems} problem(s), {warnings} warning(s): fix the PROBLEM lines first.", file=stream)
    else:
        print(f"No problems ({warnings} warning(s)).", file=stream)
    stream.flush()
    return 1 if problems else 0


# --- sound -----------------------------------------------------------------------------------


def check_audio(audio: AudioOptions, listen_seconds: float = 1.0) -> Iterator[Check]:
    """Input devices, the configured microphone (opened, and its level), the speaker."""
    try:
        import sounddevice as sd
    except OSError as err:
        yield Check(
            PROBLEM,
            "sound",
            f"the PortAudio library cannot be loaded ({err}): sudo apt-get install libportaudio2",
        )
        return
    devices = list(sd.query_devices())
    inputs = [device for device in devices if device["max_input_channels"] > 0]
    outputs = [device for device in devices if device["max_output_channels"] > 0]
    if not inputs:
        yield Check(
            PROBLEM,
            "microphone",
            "no audio input device found. Plug in a USB microphone or sound card and check that "
            "`arecord -l` lists it; the user running the assistant must be in group audio.",
        )
    else:
        yield Check(OK, "microphone", f"{len(inputs)} input device(s): {_names(inputs)}")
        yield from _check_microphone(sd, audio.input_device, inputs, listen_seconds)
    yield from _check_speaker(sd, audio.output_device, outputs)


def _check_microphone(
    sd: Any, device: str | int | None, inputs: list[Any], seconds: float
) -> Iterator[Check]:
    try:
        info = sd.query_devices(device, kind="input")
    except (ValueError, sd.PortAudioError) as err:
        yield Check(PROBLEM, "microphone", _device_not_found(device, "input", err, inputs))
        return
    rate = int(info["default_samplerate"])
    try:
        with sd.InputStream(device=info["index"], channels=1, samplerate=rate, dtype="float32") as stream:
            samples, _overflowed = stream.read(max(1, int(rate * seconds)))
    except sd.PortAudioError as err:
        yield Check(
            PROBLEM,
            "microphone",
            f"'{info['name']}' does not open: {err}. Is another program using it? "
            "Is the user running the assistant in group audio?",
        )
        return
    yield Check(OK, "microphone", f"'{info['name']}' opens ({rate} Hz)")
    level = rms_dbfs(samples)
    shown = f"{level:.0f} dBFS" if math.isfinite(level) else "digital silence"
    if level < SILENT_DBFS:
        yield Check(
            PROBLEM,
            "microphone level",
            f"silent ({shown} over {seconds:g} s) — is the microphone muted? Check its capture switch "
            "and level in `alsamixer` (F4, then F6 to pick the card), or set audio.input_device.",
        )
    elif level < QUIET_DBFS:
        yield Check(
            WARN,
            "microphone level",
            f"very quiet ({shown} over {seconds:g} s): raise the capture level in `alsamixer` "
            "(F4), or speak during the check",
        )
    else:
        yield Check(OK, "microphone level", f"{shown} over {seconds:g} s")


def _check_speaker(sd: Any, device: str | int | None, outputs: list[Any]) -> Iterator[Check]:
    if not outputs:
        yield Check(
            PROBLEM,
            "speaker",
            "no audio output device found: connect a speaker (USB, HDMI or the headphone jack) "
            "and check that `aplay -l` lists it.",
        )
        return
    try:
        info = sd.query_devices(device, kind="output")
    except (ValueError, sd.PortAudioError) as err:
        yield Check(PROBLEM, "speaker", _device_not_found(device, "output", err, outputs))
        return
    yield Check(OK, "speaker", f"'{info['name']}'")


def rms_dbfs(samples: Any) -> float:
    """The level of float samples (full scale = 1.0) in dBFS; -inf for digital silence."""
    import numpy as np

    rms = float(np.sqrt(np.mean(np.square(np.asarray(samples, dtype=np.float64))))) if len(samples) else 0.0
    return 20 * math.log10(rms) if rms > 0 else -math.inf


def _device_not_found(device: str | int | None, kind: str, err: Exception, found: list[Any]) -> str:
    setting = f"audio.{kind}_device"
    if device is None:
        return f"there is no default {kind} device ({err}); set {setting} to one of: {_names(found)}"
    return f"{setting} {device!r} does not match one {kind} device ({err}); use one of: {_names(found)}"


def _names(devices: list[Any]) -> str:
    return ", ".join(f"{device['index']} '{device['name']}'" for device in devices) or "none"


# --- models ----------------------------------------------------------------------------------


def check_models(
    stt: ModelOption, tts: VoiceOption, llm: ModelOption, *, load: bool = False
) -> Iterator[Check]:
    """Each configured model is on this machine; with `load`, each also loads."""
    yield _check_model(
        f"speech recognition (stt.model {stt.model!r})",
        lambda: models.whisper_model(stt.model),
        _load_whisper,
        load,
    )
    yield _check_model(
        f"voice (tts.voice {tts.voice!r})", lambda: models.piper_voice(tts.voice), _load_piper, load
    )
    yield _check_model(
        f"language model (llm.model {llm.model!r})", lambda: models.gguf_model(llm.model), _load_llama, load
    )


def _check_model(
    subject: str, find: Callable[[], str | Path], load: Callable[[str], None], should_load: bool
) -> Check:
    try:
        path = str(find())
    except models.ModelNotFound as err:
        return Check(PROBLEM, subject, str(err))
    if not should_load:
        return Check(OK, subject, path)
    started = time.perf_counter()
    try:
        load(path)
    except ImportError as err:
        return Check(PROBLEM, subject, f"found at {path}, but its library is missing: {err}")
    except Exception as err:  # any failure to load is the finding; say what it was
        return Check(PROBLEM, subject, f"{path} does not load: {type(err).__name__}: {err}")
    return Check(OK, subject, f"{path} (loads in {time.perf_counter() - started:.1f} s)")


def _load_whisper(path: str) -> None:
    from faster_whisper import WhisperModel

    WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=2)


def _load_piper(path: str) -> None:
    from piper import PiperVoice

    PiperVoice.load(path)


def _load_llama(path: str) -> None:
    try:
        import llama_cpp
    except ImportError as err:
        raise ImportError(
            f"{err}; install it with `pip install llama-cpp-python` (it builds from source: "
            "needs build-essential and cmake)"
        ) from err
    llama_cpp.Llama(model_path=path, n_ctx=256, n_threads=2, verbose=False).close()


# --- MQTT ------------------------------------------------------------------------------------


_REFUSALS = {
    132: "the broker does not speak MQTT 3.1.1 (mqtt.protocol)",
    133: "the broker rejected the client id",
    134: "wrong user name or password (mqtt.username / mqtt.password, or ASSISTANT_MQTT_USERNAME / "
    "ASSISTANT_MQTT_PASSWORD in /etc/assistant/assistant.env)",
    135: "not authorised: the broker does not let this user (or anonymous clients) connect. Set "
    "mqtt.username and mqtt.password (or ASSISTANT_MQTT_PASSWORD in /etc/assistant/assistant.env) "
    "to a user the broker knows; with Home Assistant's Mosquitto add-on, a Home Assistant user works",
    136: "the broker is unavailable right now; look at its log and try again",
    137: "the broker is busy; try again",
    138: "this client is banned by the broker",
}


def check_mqtt(mqtt: MqttOptions, *, timeout: float = 5.0, discovery_seconds: float = 3.0) -> Iterator[Check]:
    """Connect (and authenticate) within `timeout`, then count discovery configs for a while."""
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    client = paho.Client(
        CallbackAPIVersion.VERSION2,
        client_id=f"assistant-doctor-{socket.gethostname()}-{os.getpid()}",
        protocol=paho.MQTTv311,
        clean_session=True,
    )
    client.connect_timeout = timeout
    if mqtt.username:
        client.username_pw_set(mqtt.username, mqtt.password)
    if mqtt.tls:
        try:
            client.tls_set(ca_certs=mqtt.ca_file, certfile=mqtt.cert_file, keyfile=mqtt.key_file)
        except (OSError, ssl.SSLError) as err:
            yield Check(
                PROBLEM,
                "broker",
                f"cannot load the TLS files (mqtt.ca_file={mqtt.ca_file!r}, "
                f"mqtt.cert_file={mqtt.cert_file!r}, mqtt.key_file={mqtt.key_file!r}): {err}",
            )
            return
        if mqtt.tls_insecure:
            client.tls_insecure_set(True)

    session = _Session()
    client.on_connect = session.on_connect
    client.on_disconnect = session.on_disconnect
    client.on_subscribe = session.on_subscribe
    client.on_message = session.on_message
    try:
        client.connect(mqtt.host, mqtt.port, keepalive=max(5, int(timeout * 2)))
    except (OSError, ssl.SSLError) as err:
        yield Check(PROBLEM, "broker", _unreachable(mqtt, err))
        return
    client.loop_start()
    try:
        yield _connection_check(mqtt, session, timeout)
        if session.connect_code is not None and not session.connect_code.is_failure:
            yield _discovery_check(mqtt, client, session, timeout, discovery_seconds)
    finally:
        client.disconnect()
        client.loop_stop()


class _Session:
    """What paho's network thread reports back to the doctor."""

    def __init__(self) -> None:
        self.answered = threading.Event()
        self.subscribed = threading.Event()
        self.connect_code: Any = None
        self.closed_early = False
        self.subscribe_codes: list[Any] = []
        self.messages: list[tuple[str, bytes]] = []
        self._lock = threading.Lock()

    def on_connect(
        self, _client: Any, _userdata: Any, _flags: Any, reason_code: Any, _properties: Any
    ) -> None:
        self.connect_code = reason_code
        self.answered.set()

    def on_disconnect(
        self, _client: Any, _userdata: Any, _flags: Any, _reason: Any, _properties: Any
    ) -> None:
        if not self.answered.is_set():
            self.closed_early = True
            self.answered.set()

    def on_subscribe(
        self, _client: Any, _userdata: Any, _mid: int, reason_codes: list[Any], _properties: Any
    ) -> None:
        self.subscribe_codes = list(reason_codes)
        self.subscribed.set()

    def on_message(self, _client: Any, _userdata: Any, message: Any) -> None:
        with self._lock:
            self.messages.append((message.topic, bytes(message.payload)))

    def received(self) -> list[tuple[str, bytes]]:
        with self._lock:
            return list(self.messages)


def _connection_check(mqtt: MqttOptions, session: _Session, timeout: float) -> Check:
    where = f"{mqtt.host}:{mqtt.port}"
    if not session.answered.wait(timeout) or session.closed_early:
        what = "closed the connection" if session.closed_early else f"did not answer within {timeout:g} s"
        hint = (
            "Is this a TLS port? Then set mqtt.tls: true"
            if not mqtt.tls
            else "Is this port really a TLS listener? If not, set mqtt.tls: false"
        )
        return Check(
            PROBLEM, "broker", f"{where} accepts connections but {what} instead of answering MQTT. {hint}"
        )
    code = session.connect_code
    if code.is_failure:
        words = _REFUSALS.get(code.value, f"the broker refused the connection: {code}")
        return Check(PROBLEM, "broker", f"{where} refused the connection: {words}")
    who = f"user {mqtt.username!r}" if mqtt.username else "anonymous"
    return Check(OK, "broker", f"connected to {where} as {who}{' over TLS' if mqtt.tls else ''}")


def _discovery_check(
    mqtt: MqttOptions, client: Any, session: _Session, timeout: float, seconds: float
) -> Check:
    from assistant.discovery import parse_discovery

    prefix = mqtt.discovery_prefix.rstrip("/")
    subject = f"discovery ({prefix}/#)"
    client.subscribe(f"{prefix}/#", qos=0)
    if not session.subscribed.wait(timeout):
        return Check(PROBLEM, subject, f"the broker did not confirm the subscription within {timeout:g} s")
    if any(code.is_failure for code in session.subscribe_codes):
        return Check(
            PROBLEM,
            subject,
            f"the broker refused the subscription to {prefix}/#: its access list does not let this user "
            "read the discovery topics",
        )
    time.sleep(seconds)
    configs = [(topic, payload) for topic, payload in session.received() if topic.endswith("/config")]
    by_component: Counter[str] = Counter()
    unusable = 0
    for topic, payload in configs:
        result = parse_discovery(topic, payload, prefix)
        if result is None:
            unusable += 1
            continue
        by_component.update(entity.component for entity in result.entities)
    if not by_component:
        seen = f" ({unusable} config(s) seen, none usable: see the warnings above)" if unusable else ""
        return Check(
            WARN,
            subject,
            f"no device configs seen in {seconds:g} s{seen}: is MQTT discovery enabled in "
            f"Zigbee2MQTT/Tasmota/ESPHome, with the prefix {prefix!r} (mqtt.discovery_prefix)?",
        )
    counts = ", ".join(f"{component} {count}" for component, count in sorted(by_component.items()))
    total = sum(by_component.values())
    detail = f"{total} entities from {len(configs) - unusable} config message(s) in {seconds:g} s: {counts}"
    if unusable:
        return Check(WARN, subject, f"{detail}; {unusable} config(s) ignored, see the warnings above")
    return Check(OK, subject, detail)


def _unreachable(mqtt: MqttOptions, err: BaseException) -> str:
    where = f"{mqtt.host}:{mqtt.port}"
    if isinstance(err, ConnectionRefusedError):
        return (
            f"cannot connect to {where}: connection refused. Nothing listens there: is the broker "
            "(Mosquitto) running, and are mqtt.host and mqtt.port right?"
        )
    if isinstance(err, socket.gaierror):
        return f"cannot find the host {mqtt.host!r} (mqtt.host): {err.strerror}"
    if isinstance(err, ssl.SSLCertVerificationError):
        return (
            f"the TLS certificate of {where} is not trusted: {err.verify_message}. Set mqtt.ca_file to the "
            "CA that signed it (mqtt.tls_insecure only accepts a host name mismatch)"
        )
    if isinstance(err, ssl.SSLError):
        return f"the TLS handshake with {where} failed: {err.reason or err}. Is this port a TLS listener?"
    if isinstance(err, TimeoutError):
        return f"{where} did not answer: a firewall, or the wrong mqtt.host / mqtt.port?"
    return f"cannot connect to {where}: {getattr(err, 'strerror', None) or err} (mqtt.host / mqtt.port)"


# --- the systemd service ---------------------------------------------------------------------


def check_service(unit: str = "assistant") -> Iterator[Check]:
    """Whether the systemd unit is installed, enabled and running; skipped without systemd."""
    systemctl = shutil.which("systemctl")
    if systemctl is None or not Path("/run/systemd/system").is_dir():
        yield Check(
            WARN,
            "service",
            "systemd is not running on this machine (a container?), so the service was not checked",
        )
        return
    enabled = _systemctl(systemctl, "is-enabled", unit)
    active = _systemctl(systemctl, "is-active", unit)
    yield from service_checks(unit, enabled, active)


def service_checks(unit: str, enabled: str, active: str) -> Iterator[Check]:
    """Lines for the outputs of `systemctl is-enabled UNIT` and `systemctl is-active UNIT`."""
    if enabled in ("", "not-found"):
        yield Check(
            WARN,
            "service",
            f"the {unit} service is not installed; to run at boot: sudo scripts/install-service.sh",
        )
        return
    if enabled == "masked":
        yield Check(PROBLEM, "service", f"the {unit} service is masked: sudo systemctl unmask {unit}")
    elif enabled in ("enabled", "enabled-runtime", "alias", "indirect", "static", "generated"):
        yield Check(OK, "service", f"installed and {enabled}: starts at boot")
    else:
        yield Check(
            WARN,
            "service",
            f"installed but {enabled}, so it does not start at boot: sudo systemctl enable {unit}",
        )
    if active == "active":
        yield Check(OK, "service", "running")
    elif active in ("activating", "reloading"):
        yield Check(WARN, "service", "still starting (loading models); run the doctor again in a minute")
    elif active == "failed":
        yield Check(PROBLEM, "service", f"failed: see why with `journalctl -u {unit} -n 50`")
    else:
        yield Check(WARN, "service", f"not running ({active}): sudo systemctl start {unit}")


def _systemctl(systemctl: str, verb: str, unit: str) -> str:
    """The one-word answer of `systemctl VERB UNIT` ("" when it gave none)."""
    try:
        result = subprocess.run([systemctl, verb, unit], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    words = result.stdout.split()
    return words[0] if words else ""
