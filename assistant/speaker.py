"""The speaking loop: replies are synthesised sentence by sentence and played as they are ready.

Runs on its own thread. `stop_all` (barge-in, "stop") empties the queue and cuts the sound at
once. Every reply ends with a `SpeechFinished` event carrying when its first audio was ready.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.audio import AudioSink
from assistant.tts import TextToSpeech

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechFinished:
    speech_id: int
    first_audio: float | None
    """perf_counter time the first audio of the reply was handed to the sink."""
    interrupted: bool


@dataclass(frozen=True)
class _Item:
    speech_id: int
    text: str
    earcon: bytes | None
    earcon_rate: int


class Speaker:
    def __init__(
        self,
        tts: TextToSpeech,
        sink: AudioSink,
        emit: Callable[[SpeechFinished], None],
        volume: Callable[[], int],
    ) -> None:
        self._tts = tts
        self._sink = sink
        self._emit = emit
        self._volume = volume
        self._queue: queue.Queue[_Item | None] = queue.Queue(maxsize=32)
        self._ids = itertools.count(1)
        self._generation = 0
        self._active = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="speaker", daemon=True)

    @property
    def busy(self) -> bool:
        with self._lock:
            return self._active > 0 or self._sink.is_playing

    def start(self) -> None:
        self._thread.start()

    def say(self, text: str, earcon: bytes | None = None, earcon_rate: int = 22050) -> int:
        speech_id = next(self._ids)
        with self._lock:
            self._active += 1
        self._queue.put(_Item(speech_id, text, earcon, earcon_rate))
        return speech_id

    def play_earcon(self, samples: bytes, rate: int) -> None:
        self._sink.play(self._scaled(samples), rate)

    def stop_all(self) -> None:
        with self._lock:
            self._generation += 1
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is not None:
                self._finished(item, None, interrupted=True)
        self._sink.stop()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=3.0)
        self._sink.close()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            with self._lock:
                generation = self._generation
            first_audio: float | None = None
            interrupted = False
            try:
                if item.earcon:
                    self._sink.play(self._scaled(item.earcon), item.earcon_rate)
                    first_audio = time.perf_counter()
                for chunk in self._tts.synthesize(item.text) if item.text.strip() else ():
                    if self._generation != generation:
                        interrupted = True
                        break
                    self._sink.play(self._scaled(chunk.samples), chunk.rate)
                    if first_audio is None:
                        first_audio = time.perf_counter()
                while not interrupted and self._sink.is_playing:
                    if self._generation != generation:
                        interrupted = True
                    time.sleep(0.02)
            except Exception:
                _LOGGER.exception("Could not speak %r; going on without the spoken reply", item.text)
            self._finished(item, first_audio, interrupted)

    def _finished(self, item: _Item, first_audio: float | None, interrupted: bool) -> None:
        with self._lock:
            self._active = max(0, self._active - 1)
        self._emit(SpeechFinished(item.speech_id, first_audio, interrupted))

    def _scaled(self, samples: bytes) -> bytes:
        volume = self._volume()
        if volume >= 100:
            return samples
        audio = np.frombuffer(samples, dtype=np.int16).astype(np.float32) * (volume / 100.0)
        return audio.astype(np.int16).tobytes()
