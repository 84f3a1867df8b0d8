"""The configuration: `config.yaml`, validated at load.

The schema is the settings dataclasses of each stage; `config.yaml` at the top of the repository is
the documented default. Unknown keys and wrong types are errors that name the key. Any string can
take `${ENV_VAR}` (or `${ENV_VAR:-default}`) so secrets stay out of the file; `ASSISTANT_MQTT_HOST`,
`ASSISTANT_MQTT_PORT`, `ASSISTANT_MQTT_USERNAME` and `ASSISTANT_MQTT_PASSWORD` override the file.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.audio import AudioSettings
from assistant.conversation import ConversationSettings
from assistant.mqtt import MqttSettings
from assistant.nlu.slm import SlmSettings
from assistant.segmenter import SegmenterSettings
from assistant.settings_loader import ConfigError, build
from assistant.stt import SttSettings
from assistant.tts import TtsSettings
from assistant.vad import VadSettings
from assistant.wake import WakeSettings

__all__ = ["Config", "ConfigError", "load_config"]


@dataclass(frozen=True)
class SiteSettings:
    id: str = "default"
    """This assistant's site id: its MQTT topics and Hermes `siteId`. One per room or car seat."""
    area: str | None = None
    """The area it stands in: "turn off the lights" means the lights there."""
    name: str = "Voice assistant"
    """The device name shown in Home Assistant."""


@dataclass(frozen=True)
class ListenSettings:
    preroll_seconds: float = 0.3
    """Audio kept from before the wake word ended, so "Okay Nabu turn on the light" said in one
    breath keeps its first words."""


@dataclass(frozen=True)
class EntityOverride:
    area: str | None = None
    aliases: tuple[str, ...] = ()
    name: str | None = None
    expose: bool = True
    """False hides the entity from the assistant entirely."""


@dataclass(frozen=True)
class DebugSettings:
    save_audio: bool = False
    """Keep the audio of each command as a WAV in the state directory (for troubleshooting)."""


@dataclass(frozen=True)
class Config:
    site: SiteSettings = field(default_factory=SiteSettings)
    language: str = "en"
    """Language of the sentence templates and speech recognition."""
    mqtt: MqttSettings = field(default_factory=MqttSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    wake: WakeSettings = field(default_factory=WakeSettings)
    listen: ListenSettings = field(default_factory=ListenSettings)
    vad: VadSettings = field(default_factory=VadSettings)
    segmenter: SegmenterSettings = field(default_factory=SegmenterSettings)
    stt: SttSettings = field(default_factory=SttSettings)
    tts: TtsSettings = field(default_factory=TtsSettings)
    llm: SlmSettings = field(default_factory=SlmSettings)
    conversation: ConversationSettings = field(default_factory=ConversationSettings)
    areas: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Areas and their spoken aliases, e.g. `Living Room: [lounge]`; devices add theirs."""
    floors: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Floors and their areas, e.g. `upstairs: [Bedroom, Bathroom]`, for "turn off the lights upstairs"."""
    devices: list[Any] = field(default_factory=list)
    """Devices not announced by MQTT discovery: discovery payloads plus `platform`, `area`, `aliases`."""
    entities: dict[str, EntityOverride] = field(default_factory=dict)
    """Per-entity overrides by entity id or unique id: area, aliases, name, expose."""
    expose_only: tuple[str, ...] = ()
    """When not empty, only these entity ids (or components, e.g. `light`) are controllable."""
    state_dir: str | None = None
    """Where timers and debug audio are kept; default $STATE_DIRECTORY (systemd) or ./var."""
    debug: DebugSettings = field(default_factory=DebugSettings)

    def state_path(self) -> Path:
        base = self.state_dir or os.environ.get("STATE_DIRECTORY") or "var"
        return Path(base).expanduser()


_ENV_OVERRIDES = {
    "ASSISTANT_MQTT_HOST": ("host", str),
    "ASSISTANT_MQTT_PORT": ("port", int),
    "ASSISTANT_MQTT_USERNAME": ("username", str),
    "ASSISTANT_MQTT_PASSWORD": ("password", str),
}


def load_config(path: Path | None) -> Config:
    """Load and validate a config file; None gives the embedded defaults."""
    data: Any = {}
    if path is not None:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except OSError as err:
            raise ConfigError(f"cannot read config file {path}: {err.strerror}") from err
        except yaml.YAMLError as err:
            raise ConfigError(f"{path} is not valid YAML: {err}") from err
    try:
        config = build(Config, data, "")
    except ConfigError as err:
        raise ConfigError(f"{path or 'config'}: {err}") from err
    overrides: dict[str, Any] = {}
    for variable, (key, kind) in _ENV_OVERRIDES.items():
        if os.environ.get(variable):
            try:
                overrides[key] = kind(os.environ[variable])
            except ValueError as err:
                raise ConfigError(f"{variable}: expected {kind.__name__}, got {os.environ[variable]!r}") from err
    if overrides:
        config = dataclasses.replace(config, mqtt=dataclasses.replace(config.mqtt, **overrides))
    return config
