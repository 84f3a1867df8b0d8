"""Speech to text on espeak-ng speech with the bundled faster-whisper tiny.en."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from speech import noise, silence, speak

from assistant.models import ModelLoadError
from assistant.stt import SpeechToText, SttSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stt() -> SpeechToText:
    model = SpeechToText()
    model.load()
    return model


def words(text: str) -> str:
    return " ".join("".join(c for c in text.lower() if c.isalnum() or c.isspace()).split())


def test_transcribes_a_command(stt: SpeechToText) -> None:
    audio = silence(0.3) + speak("turn on the kitchen light") + silence(0.3)
    transcript = stt.transcribe(audio)
    assert "kitchen light" in words(transcript.text)
    assert transcript.seconds_audio == pytest.approx(len(audio) / 32000)


def test_device_names_as_hotwords(stt: SpeechToText) -> None:
    # Without hints tiny.en hears "turn on the go, these trip on the per go".
    audio = silence(0.3) + speak("turn on the govee strip on the pergola") + silence(0.3)
    transcript = stt.transcribe(audio, hotwords=["Govee strip", "Hue Go lamp", "kitchen", "pergola"])
    assert words(transcript.text) == "turn on the govee strip on the pergola"


def reversed_speech() -> bytes:
    return np.frombuffer(speak("hello there how are you"), dtype="<i2")[::-1].tobytes()


@pytest.mark.parametrize(
    "audio",
    [silence(2.0), noise(2.0, level=0.05), noise(2.0, level=0.3), reversed_speech(), speak("hmm")],
    ids=["silence", "noise", "loud noise", "reversed speech", "hmm"],
)
def test_no_words_give_an_empty_transcript(stt: SpeechToText, audio: bytes) -> None:
    assert stt.transcribe(audio, hotwords=["kitchen", "Shelly plug"]).text == ""


def test_missing_model_directory(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=f"no model.bin in {tmp_path}"):
        SpeechToText(SttSettings(model=str(tmp_path))).load()


def test_corrupt_model(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(ModelLoadError, match=rf"cannot load speech-to-text model {tmp_path}/model\.bin"):
        SpeechToText(SttSettings(model=str(tmp_path))).load()
