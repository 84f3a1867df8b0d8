"""Wake word and voice activity on espeak-ng speech (real microWakeWord and micro-vad models)."""

from __future__ import annotations

import json
from pathlib import Path

import pymicro_wakeword
import pytest
from speech import chunks, noise, silence, speak

from assistant.vad import SpeechDetector, VadSettings
from assistant.wake import WakeSettings, WakeWordDetector, WakeWordError

# espeak-ng "en-us" at 150 words/min scores 0.99 on okay_nabu (cut-off 0.85); slower speech
# (120) or the female variants score lower, so this is the voice the tests use.
OKAY_NABU = ("okay nabu", "en-us", 150)
OTHER_SPEECH = [
    "turn on the kitchen light",
    "hello there how are you",
    "what's the weather like tomorrow",
    "okay",
]
MODELS_DIR = Path(pymicro_wakeword.__file__).parent / "models"


def detections(detector: WakeWordDetector, audio: bytes) -> list[str]:
    return [name for chunk in chunks(audio) if (name := detector.process(chunk))]


def test_hears_okay_nabu_once() -> None:
    audio = silence(0.5) + speak(*OKAY_NABU) + silence(1.0)
    assert detections(WakeWordDetector(), audio) == ["okay_nabu"]


@pytest.mark.parametrize("text", OTHER_SPEECH)
def test_ignores_other_speech(text: str) -> None:
    audio = silence(0.5) + speak(text) + silence(1.0)
    assert detections(WakeWordDetector(WakeSettings(models=("okay_nabu", "alexa"))), audio) == []


@pytest.mark.parametrize("audio", [silence(5.0), noise(5.0, level=0.1)], ids=["silence", "noise"])
def test_ignores_silence_and_noise(audio: bytes) -> None:
    assert detections(WakeWordDetector(WakeSettings(models=("okay_nabu", "alexa"))), audio) == []


def test_several_wake_words_at_once() -> None:
    detector = WakeWordDetector(WakeSettings(models=("okay_nabu", "alexa")))
    audio = silence(0.5) + speak("alexa") + silence(2.5) + speak(*OKAY_NABU) + silence(1.0)
    assert detections(detector, audio) == ["alexa", "okay_nabu"]
    assert detector.phrase("okay_nabu") == "Okay Nabu"


@pytest.mark.parametrize(("refractory_s", "expected"), [(2.0, 2), (5.0, 1)])
def test_refractory_period(refractory_s: float, expected: int) -> None:
    wake = speak(*OKAY_NABU)
    audio = silence(0.5) + wake + silence(1.5) + wake + silence(1.0)  # detections 2.8 s apart
    assert len(detections(WakeWordDetector(WakeSettings(refractory_s=refractory_s)), audio)) == expected


def test_reset_ends_the_refractory_period() -> None:
    detector = WakeWordDetector(WakeSettings(refractory_s=60.0))
    audio = silence(0.5) + speak(*OKAY_NABU) + silence(1.0)
    assert detections(detector, audio) == ["okay_nabu"]
    detector.reset()
    assert detections(detector, audio) == ["okay_nabu"]


def test_model_from_a_json_path() -> None:
    detector = WakeWordDetector(WakeSettings(models=(str(MODELS_DIR / "okay_nabu.json"),)))
    assert detector.names == ("okay_nabu",)
    assert detections(detector, silence(0.5) + speak(*OKAY_NABU) + silence(1.0)) == ["okay_nabu"]


def test_unknown_wake_word_lists_the_available_ones() -> None:
    with pytest.raises(WakeWordError, match=r"unknown wake word 'hey_computer'.*okay_nabu, hey_jarvis"):
        WakeWordDetector(WakeSettings(models=("hey_computer",)))


def test_model_json_without_its_tflite(tmp_path: Path) -> None:
    config = json.loads((MODELS_DIR / "okay_nabu.json").read_text())
    (tmp_path / "mine.json").write_text(json.dumps(config))
    with pytest.raises(WakeWordError, match=r"mine\.json: its model file .*okay_nabu\.tflite does not exist"):
        WakeWordDetector(WakeSettings(models=(str(tmp_path / "mine.json"),)))


def speech_flags(audio: bytes) -> list[bool]:
    detector = SpeechDetector()
    for chunk in chunks(silence(1.0)):  # micro-vad needs ~0.76 s before it answers
        detector.is_speech(chunk)
    return [detector.is_speech(chunk) for chunk in chunks(audio)]


def test_vad_hears_speech() -> None:
    flags = speech_flags(speak("turn on the kitchen light"))
    assert sum(flags) * 0.01 > 0.8  # seconds of speech in a ~1.5 s sentence


@pytest.mark.parametrize("audio", [silence(2.0), noise(2.0, level=0.05)], ids=["silence", "noise"])
def test_vad_ignores_silence_and_noise(audio: bytes) -> None:
    assert not any(speech_flags(audio))


def test_vad_threshold_must_be_a_probability() -> None:
    with pytest.raises(ValueError, match=r"vad\.threshold must be between 0 and 1"):
        SpeechDetector(VadSettings(threshold=50))
