"""Short feedback tones, generated (no sound files): int16 mono bytes at EARCON_RATE.

Soft sine notes (peak at a quarter of full scale), each with 10 ms fades so that they
click neither at the start nor at the end.
"""

from __future__ import annotations

import numpy as np

EARCON_RATE = 22050
_VOLUME = 0.25
_FADE_S = 0.01


def _tone(frequencies: list[float], note_s: float) -> np.ndarray:
    """Consecutive notes of `note_s` each, each faded in and out."""
    t = np.arange(int(note_s * EARCON_RATE)) / EARCON_RATE
    fade_len = int(_FADE_S * EARCON_RATE)
    envelope = np.ones_like(t)
    envelope[:fade_len] = np.linspace(0.0, 1.0, fade_len)
    envelope[-fade_len:] = np.linspace(1.0, 0.0, fade_len)
    notes = [np.sin(2 * np.pi * f * t) * envelope for f in frequencies]
    return np.concatenate(notes)


def _pcm(signal: np.ndarray) -> bytes:
    return (signal * _VOLUME * 32767).astype("<i2").tobytes()


def wake() -> bytes:
    """Rising two notes (~160 ms): "I am listening"."""
    return _pcm(_tone([660.0, 880.0], 0.08))


def done() -> bytes:
    """One short high note (~100 ms): "got it"."""
    return _pcm(_tone([988.0], 0.1))


def error() -> bytes:
    """Falling two low notes (~200 ms): "that did not work"."""
    return _pcm(_tone([440.0, 330.0], 0.1))
