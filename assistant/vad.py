"""Speech / no speech for each 10 ms chunk, with micro-vad (pymicro-vad).

micro-vad is a streaming model with context: after creation or `reset()` it answers -1 for
the first ~0.76 s (76 chunks), which counts as "no speech" here. So feed it continuously
(also while waiting for the wake word) rather than resetting it for every command.
Measured on espeak-ng speech: it turns on ~0.2 s after speech starts and off ~0.6 s
after it ends, on top of the segmenter's own silence_seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from pymicro_vad import MicroVad

from assistant.audio import CHUNK_BYTES


@dataclass(frozen=True)
class VadSettings:
    """threshold: speech probability (0-1) above which a chunk counts as speech."""

    threshold: float = 0.5


class SpeechDetector:
    """Voice activity detection on 10 ms chunks of 16 kHz mono int16 audio."""

    def __init__(self, settings: VadSettings = VadSettings()) -> None:
        if not 0.0 <= settings.threshold <= 1.0:
            raise ValueError(f"vad.threshold must be between 0 and 1, not {settings.threshold}")
        self._threshold = settings.threshold
        self._vad = MicroVad()

    def probability(self, chunk: bytes) -> float:
        """Speech probability of a 10 ms chunk; -1 while the model is still warming up."""
        if len(chunk) != CHUNK_BYTES:
            raise ValueError(f"VAD needs 10 ms chunks of {CHUNK_BYTES} bytes, got {len(chunk)}")
        return self._vad.process_10ms(chunk)

    def is_speech(self, chunk: bytes) -> bool:
        return self.probability(chunk) > self._threshold

    def reset(self) -> None:
        self._vad.reset()
