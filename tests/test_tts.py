"""Text to speech with the bundled Piper voice, and the earcons."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from assistant import earcons
from assistant.audio import SAMPLE_RATE, int16_to_float, resample, to_int16_bytes
from assistant.models import ModelLoadError
from assistant.stt import SpeechToText
from assistant.tts import TextToSpeech, TtsSettings

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tts() -> TextToSpeech:
    voice = TextToSpeech()
    voice.load()
    return voice


def test_speaks_a_sentence(tts: TextToSpeech) -> None:
    chunks = list(tts.synthesize("The kitchen light is on."))
    assert len(chunks) == 1
    assert chunks[0].rate == tts.sample_rate == 22050
    samples = int16_to_float(chunks[0].samples)
    assert 0.8 < len(samples) / chunks[0].rate < 3.0
    assert np.sqrt(np.mean(samples**2)) > 0.05


def test_one_chunk_per_sentence(tts: TextToSpeech) -> None:
    chunks = list(tts.synthesize("The kitchen light is on. The porch light is off."))
    assert len(chunks) == 2
    assert all(len(chunk.samples) > 0.5 * chunk.rate * 2 for chunk in chunks)


def test_whisper_understands_the_voice(tts: TextToSpeech) -> None:
    chunk = next(iter(tts.synthesize("Turn on the kitchen light.")))
    audio = to_int16_bytes(resample(int16_to_float(chunk.samples), chunk.rate, SAMPLE_RATE))
    stt = SpeechToText()
    stt.load()
    assert "kitchen light" in stt.transcribe(audio).text.lower()


def test_slower_speech(tts: TextToSpeech) -> None:
    slow = TextToSpeech(TtsSettings(length_scale=1.5))
    slow.load()

    def length(voice: TextToSpeech) -> int:
        # Piper draws its phoneme durations with noise: one sentence varies by about 10%.
        return sum(len(next(iter(voice.synthesize("The kitchen light is on."))).samples) for _ in range(3))

    assert length(slow) > 1.25 * length(tts)


def test_missing_voice(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match=r"Piper voice '.*nobody\.onnx'.*does not exist"):
        TextToSpeech(TtsSettings(voice=str(tmp_path / "nobody.onnx"))).load()


def test_speaker_of_a_single_speaker_voice() -> None:
    with pytest.raises(ModelLoadError, match=r"tts.speaker 'alice'.* has a single speaker"):
        TextToSpeech(TtsSettings(speaker="alice")).load()


@pytest.mark.parametrize("earcon", [earcons.wake, earcons.done, earcons.error])
def test_earcons_are_short_soft_and_click_free(earcon: Callable[[], bytes]) -> None:
    samples = int16_to_float(earcon())
    assert 0.1 <= len(samples) / earcons.EARCON_RATE <= 0.2
    assert 0.1 < np.abs(samples).max() <= 0.3
    assert abs(samples[0]) < 0.01
    assert abs(samples[-1]) < 0.01
