"""Barge-in: stopping cuts the reply at once, and "stop" is understood as a request to stop."""

from __future__ import annotations

import queue
import threading
import time

import pytest

from assistant.brain import Brain
from assistant.config import load_config
from assistant.speaker import Speaker, SpeechFinished
from assistant.tts import TextToSpeech, TtsSettings


class ClockSink:
    """A sink that takes as long to 'play' as the audio lasts, like a sound card, until stopped."""

    def __init__(self) -> None:
        self._until = 0.0
        self._lock = threading.Lock()
        self.played_seconds = 0.0

    @property
    def is_playing(self) -> bool:
        return time.monotonic() < self._until

    def play(self, samples: bytes, rate: int) -> None:
        seconds = len(samples) / 2 / rate
        with self._lock:
            self._until = max(self._until, time.monotonic()) + seconds
            self.played_seconds += seconds

    def stop(self) -> None:
        self._until = 0.0

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        pass


@pytest.fixture(scope="module")
def tts() -> TextToSpeech:
    engine = TextToSpeech(TtsSettings())
    engine.load()
    return engine


def test_stop_cuts_a_long_reply_at_once(tts: TextToSpeech) -> None:
    events: queue.Queue[SpeechFinished] = queue.Queue()
    sink = ClockSink()
    speaker = Speaker(tts, sink, events.put, lambda: 100)
    speaker.start()
    speaker.say("This is a long answer. It goes on for several sentences. Nobody wants to hear all of it. "
                "It keeps going and going.")
    deadline = time.monotonic() + 10
    while not sink.is_playing:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    stopped_at = time.monotonic()
    speaker.stop_all()
    finished = events.get(timeout=2)
    assert finished.interrupted
    assert time.monotonic() - stopped_at < 0.5
    assert not sink.is_playing
    speaker.close()


def test_stop_is_understood_as_stop_speaking() -> None:
    brain = Brain.from_config(load_config(None), use_model=False, persist_timers=False)
    conversation = brain.conversation("Kitchen")
    for said in ("stop", "Stop.", "never mind", "be quiet"):
        turn = conversation.handle(said)
        assert turn.stop_speaking, said
        assert turn.actions == []
