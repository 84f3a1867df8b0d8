"""End-of-speech detection for one voice command, from per-chunk speech/no-speech decisions.

Pure and clock-free (like Home Assistant's VoiceCommandSegmenter): time is the sum of the
chunk durations fed in, so tests feed numbers and a WAV file segments the same as a microphone.
Durations are counted in whole microseconds so that 30 chunks of 0.01 s make exactly 0.3 s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import Enum

_LOGGER = logging.getLogger(__name__)


class SegmentEvent(Enum):
    CONTINUE = "continue"
    SPEECH_STARTED = "speech_started"
    """speech_seconds of speech heard; the speech began that long ago (keep a pre-roll)."""
    PAUSE = "pause"
    """A silence of pause_seconds inside the command: a chance to transcribe speculatively."""
    DONE = "done"
    """silence_seconds of silence after speech: the command is complete."""
    TIMEOUT_NO_SPEECH = "timeout_no_speech"
    TIMEOUT_MAX_LENGTH = "timeout_max_length"

    @property
    def is_final(self) -> bool:
        return self in (SegmentEvent.DONE, SegmentEvent.TIMEOUT_NO_SPEECH, SegmentEvent.TIMEOUT_MAX_LENGTH)


@dataclass(frozen=True)
class SegmenterSettings:
    """speech_seconds: speech needed to start a command (noise blips shorter than this are ignored).
    silence_seconds: silence that ends the command.
    timeout_seconds: longest command, counted from the start of speech.
    no_speech_timeout_seconds: give up when no command starts within this time.
    pause_seconds: silence inside a command that raises PAUSE (once per silence; not raised
    when it is not shorter than silence_seconds).
    reset_seconds: before a command, this much silence restarts the speech count; inside a
    command, this much speech restarts the silence count (so one-chunk VAD flickers count for
    neither).
    """

    speech_seconds: float = 0.3
    silence_seconds: float = 0.7
    timeout_seconds: float = 8.0
    no_speech_timeout_seconds: float = 5.0
    pause_seconds: float = 0.15
    reset_seconds: float = 0.2


def _us(seconds: float) -> int:
    return round(seconds * 1_000_000)


class VoiceCommandSegmenter:
    """Feed every chunk's duration and VAD decision; act on the returned event.

    After a final event (DONE or a timeout) the segmenter starts over for the next command.
    """

    def __init__(self, settings: SegmenterSettings = SegmenterSettings()) -> None:
        for name in ("speech_seconds", "silence_seconds", "timeout_seconds", "no_speech_timeout_seconds",
                     "pause_seconds", "reset_seconds"):
            if getattr(settings, name) <= 0:
                raise ValueError(f"segmenter.{name} must be positive, not {getattr(settings, name)}")
        self._speech_needed = _us(settings.speech_seconds)
        self._silence_needed = _us(settings.silence_seconds)
        self._max_command = _us(settings.timeout_seconds)
        self._max_wait = _us(settings.no_speech_timeout_seconds)
        self._pause_needed = _us(settings.pause_seconds)
        self._reset_needed = _us(settings.reset_seconds)
        self.reset()

    @property
    def in_command(self) -> bool:
        return self._in_command

    def reset(self) -> None:
        self._in_command = False
        self._waited = 0
        self._speech = 0
        self._gap = 0
        self._command = 0
        self._silence = 0
        self._paused = False

    def process(self, chunk_seconds: float, is_speech: bool) -> SegmentEvent:
        if self._in_command:
            event = self._in_command_step(_us(chunk_seconds), is_speech)
        else:
            event = self._waiting_step(_us(chunk_seconds), is_speech)
        if event.is_final:
            _LOGGER.debug("Voice command segment ended: %s", event.value)
            self.reset()
        return event

    def _waiting_step(self, duration: int, is_speech: bool) -> SegmentEvent:
        self._waited += duration
        if is_speech:
            self._speech += duration
            self._gap = 0
            if self._speech >= self._speech_needed:
                self._in_command = True
                self._command = self._speech
                return SegmentEvent.SPEECH_STARTED
        else:
            self._gap += duration
            if self._gap >= self._reset_needed:
                self._speech = 0
        if self._waited >= self._max_wait:
            return SegmentEvent.TIMEOUT_NO_SPEECH
        return SegmentEvent.CONTINUE

    def _in_command_step(self, duration: int, is_speech: bool) -> SegmentEvent:
        self._command += duration
        if is_speech:
            self._speech += duration
            if self._speech >= self._reset_needed:
                self._silence = 0
                self._paused = False
        else:
            self._speech = 0
            self._silence += duration
            if self._silence >= self._silence_needed:
                return SegmentEvent.DONE
            if not self._paused and self._silence >= self._pause_needed:
                self._paused = True
                return SegmentEvent.PAUSE
        if self._command >= self._max_command:
            return SegmentEvent.TIMEOUT_MAX_LENGTH
        return SegmentEvent.CONTINUE
