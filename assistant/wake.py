"""Wake word detection with microWakeWord (pymicro-wakeword), several models at once."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from pymicro_wakeword import MicroWakeWord, MicroWakeWordFeatures, Model

from assistant.audio import SAMPLE_RATE, SAMPLE_WIDTH

_LOGGER = logging.getLogger(__name__)

BUILTIN_WAKE_WORDS = tuple(model.value for model in Model)


class WakeWordError(ValueError):
    """A configured wake word model is unknown or cannot be loaded."""


@dataclass(frozen=True)
class WakeSettings:
    """models: built-in wake words (okay_nabu, hey_jarvis, hey_mycroft, alexa) or paths to
    microWakeWord model .json files (the .tflite named inside sits beside it).
    refractory_s: after a detection, further detections are ignored for this much audio.
    """

    models: tuple[str, ...] = ("okay_nabu",)
    refractory_s: float = 2.0


class WakeWordDetector:
    """Feed 16 kHz mono int16 chunks; `process` returns the name of a detected wake word.

    The name is the built-in name (e.g. "okay_nabu") or, for a model file, the model's id
    (the .tflite file name without extension). The audio front end (spectral features) is
    computed once and shared by all models.
    """

    def __init__(self, settings: WakeSettings = WakeSettings()) -> None:
        if not settings.models:
            raise WakeWordError(f"wake.models is empty: use one of {', '.join(BUILTIN_WAKE_WORDS)}")
        self._models = [_load(spec) for spec in settings.models]
        self._features = MicroWakeWordFeatures()
        self._refractory_samples = int(settings.refractory_s * SAMPLE_RATE)
        self._samples_since_detection: int | None = None
        _LOGGER.info("Wake words: %s", ", ".join(m.wake_word for m in self._models))

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(model.id for model in self._models)

    def phrase(self, name: str) -> str:
        """The spoken phrase of a wake word name, e.g. "Okay Nabu"."""
        return next(model.wake_word for model in self._models if model.id == name)

    def process(self, chunk: bytes) -> str | None:
        """The wake word heard in the audio so far, at most once per refractory period."""
        if self._samples_since_detection is not None:
            self._samples_since_detection += len(chunk) // SAMPLE_WIDTH
        detected: str | None = None
        for features in self._features.process_streaming(chunk):
            for model in self._models:
                if model.process_streaming(features) and detected is None and not self._refractory():
                    detected = model.id
        if detected is not None:
            self._samples_since_detection = 0
            _LOGGER.debug("Wake word %s detected", detected)
        return detected

    def _refractory(self) -> bool:
        since = self._samples_since_detection
        return since is not None and since < self._refractory_samples

    def reset(self) -> None:
        """Forget all audio heard so far (e.g. after a command, before listening again)."""
        self._features.reset()
        for model in self._models:
            model.reset()
        self._samples_since_detection = None


def _load(spec: str) -> MicroWakeWord:
    if spec in BUILTIN_WAKE_WORDS:
        model = MicroWakeWord.from_builtin(Model(spec))
        model.id = spec
        return model
    path = Path(spec).expanduser()
    if path.suffix != ".json" or not path.is_file():
        raise WakeWordError(
            f"unknown wake word '{spec}' (wake.models): use one of {', '.join(BUILTIN_WAKE_WORDS)}, "
            "or the path to a microWakeWord model .json file"
        )
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        tflite = path.parent / config["model"]
    except (OSError, KeyError, TypeError, ValueError) as err:
        raise WakeWordError(f"cannot read wake word model {path}: {err!r}") from err
    if not tflite.is_file():
        raise WakeWordError(f"wake word model {path}: its model file {tflite} does not exist")
    try:
        return MicroWakeWord.from_config(path)
    except (KeyError, TypeError, ValueError) as err:
        raise WakeWordError(f"wake word model {path} is not a microWakeWord model: {err!r}") from err
