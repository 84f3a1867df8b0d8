"""Test speech from espeak-ng, in the pipeline format (16 kHz mono int16 bytes).

espeak-ng's formant voices sound nothing like the assistant's Piper voice, so a test that
passes is not the assistant hearing itself.
"""

from __future__ import annotations

import functools
import subprocess
import wave
from pathlib import Path

import numpy as np

from assistant.audio import SAMPLE_RATE, decode_wav, to_pipeline_format

DEFAULT_VOICE = "en-us"
DEFAULT_SPEED = 150  # words per minute


@functools.lru_cache(maxsize=64)
def speak(text: str, voice: str = DEFAULT_VOICE, speed: int = DEFAULT_SPEED) -> bytes:
    """`text` spoken by espeak-ng."""
    result = subprocess.run(
        ["espeak-ng", "-v", voice, "-s", str(speed), "--stdout", text],
        check=True,
        capture_output=True,
    )
    return to_pipeline_format(*decode_wav(result.stdout, f"espeak-ng output for {text!r}"))


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * SAMPLE_RATE) * 2)


def noise(seconds: float, level: float = 0.05, seed: int = 0) -> bytes:
    """White noise at `level` RMS of full scale."""
    samples = np.random.default_rng(seed).normal(0.0, level, int(seconds * SAMPLE_RATE))
    return (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()


def chunks(audio: bytes, size: int = 320) -> list[bytes]:
    """10 ms chunks (the last one zero-padded)."""
    audio += bytes(-len(audio) % size)
    return [audio[i : i + size] for i in range(0, len(audio), size)]


def write_wav(path: Path, audio: bytes, rate: int = SAMPLE_RATE, channels: int = 1) -> Path:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(audio)
    return path
