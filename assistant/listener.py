"""The listening loop: microphone chunks -> wake word -> end of speech -> transcript.

Runs on its own thread and only talks to the rest through the events it puts on the daemon's
queue. Transcription runs on a one-worker executor so audio keeps flowing while Whisper works:
at the first pause in a command the audio so far is transcribed speculatively, and when the
end of speech is confirmed with no new speech since, that transcript is used as is. That removes
the whole speech-to-text time from the latency after the user stops talking.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from assistant.audio import CHUNK_SECONDS, AudioDeviceError, AudioFileError, AudioSource
from assistant.segmenter import SegmenterSettings, SegmentEvent, VoiceCommandSegmenter
from assistant.stt import SpeechToText, Transcript
from assistant.vad import SpeechDetector
from assistant.wake import WakeWordDetector

_LOGGER = logging.getLogger(__name__)

_RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0)
_BACKLOG_SECONDS = 1.0
"""Audio kept while no command is being recorded, for the wake word's pre-roll."""


@dataclass(frozen=True)
class WakeDetected:
    name: str
    at: float


@dataclass(frozen=True)
class CommandHeard:
    """A finished command: its transcript and when things happened (perf_counter seconds)."""

    transcript: Transcript
    audio: bytes
    speech_ended: float
    """When the segmenter decided the command was over."""
    last_speech: float
    """When the last chunk of speech was heard."""
    speculative: bool
    """Whether the transcript made at the first pause was used."""
    stt_seconds: float
    follow_up: bool = False
    """Heard in a follow-up window, without the wake word."""


@dataclass(frozen=True)
class NothingHeard:
    reason: str


@dataclass(frozen=True)
class AudioProblem:
    message: str
    recovered: bool = False


@dataclass(frozen=True)
class InputEnded:
    """A WAV input has been played to its end."""


ListenerEvent = WakeDetected | CommandHeard | NothingHeard | AudioProblem | InputEnded


@dataclass
class _Command:
    audio: bytearray = field(default_factory=bytearray)
    speculative: Future[Transcript] | None = None
    speculative_at: float = 0.0
    last_speech: float = 0.0
    follow_up: bool = False
    """Started without the wake word (a follow-up window); the wake word may still come."""


class Listener:
    def __init__(
        self,
        source_factory: Callable[[], AudioSource],
        wake: WakeWordDetector,
        vad: SpeechDetector,
        segmenter_settings: SegmenterSettings,
        stt: SpeechToText,
        emit: Callable[[ListenerEvent], None],
        preroll_seconds: float = 0.3,
        hotwords: Callable[[], list[str]] = list,
    ) -> None:
        self._source_factory = source_factory
        self._wake = wake
        self._vad = vad
        self._segmenter_settings = segmenter_settings
        self._stt = stt
        self._emit = emit
        self._hotwords = hotwords
        self._preroll_seconds = preroll_seconds
        self._preroll: collections.deque[bytes] = collections.deque(maxlen=int(_BACKLOG_SECONDS / CHUNK_SECONDS))
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="stt")
        self._stop = threading.Event()
        self.muted = threading.Event()
        self._lock = threading.Lock()
        self._listen_until = 0.0
        self._listen_now = False
        self._thread = threading.Thread(target=self._run, name="listener", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        self._thread.join(timeout)
        self._executor.shutdown(wait=False, cancel_futures=True)

    def listen_without_wake_word(self, seconds: float | None = None) -> None:
        """Start a command now (the listen button), or within `seconds` (a follow-up window)."""
        with self._lock:
            if seconds is None:
                self._listen_now = True
            else:
                self._listen_until = time.monotonic() + seconds

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            source = self._source_factory()
            try:
                source.open()
                if attempt:
                    self._emit(AudioProblem("The microphone is back.", recovered=True))
                attempt = 0
                self._loop(source)
                if getattr(source, "exhausted", False):
                    self._emit(InputEnded())
                    return
            except AudioFileError as err:
                self._emit(AudioProblem(str(err)))
                self._emit(InputEnded())
                return
            except AudioDeviceError as err:
                wait = _RETRY_SECONDS[min(attempt, len(_RETRY_SECONDS) - 1)]
                if attempt == 0:
                    self._emit(AudioProblem(f"{err} Retrying every few seconds."))
                attempt += 1
                self._stop.wait(wait)
            finally:
                source.close()

    def _loop(self, source: AudioSource) -> None:
        command: _Command | None = None
        segmenter = VoiceCommandSegmenter(self._segmenter_settings)
        while not self._stop.is_set():
            chunk = source.read(timeout=0.5)
            if chunk is None:
                if getattr(source, "exhausted", False):
                    return
                continue
            if self.muted.is_set():
                command = None
                continue
            if command is None:
                self._preroll.append(chunk)
                if self._wants_command():
                    command = self._begin(segmenter, with_preroll=False)
                    command.follow_up = True
                    continue
                name = self._wake.process(chunk)
                if name is not None:
                    self._emit(WakeDetected(name, time.perf_counter()))
                    command = self._begin(segmenter, with_preroll=True)
                continue
            command = self._feed(command, segmenter, chunk)

    def _wants_command(self) -> bool:
        with self._lock:
            if self._listen_now or time.monotonic() < self._listen_until:
                self._listen_now = False
                self._listen_until = 0.0
                return True
        return False

    def _begin(self, segmenter: VoiceCommandSegmenter, with_preroll: bool) -> _Command:
        segmenter.reset()
        self._vad.reset()
        command = _Command()
        if with_preroll:
            # The detector fires a little after the wake word ends; a command said in the same
            # breath may already have begun, so keep the last few hundred ms.
            tail = list(self._preroll)[-int(self._preroll_seconds / CHUNK_SECONDS) :]
            command.audio.extend(b"".join(tail))
        self._preroll.clear()
        return command

    def _feed(self, command: _Command, segmenter: VoiceCommandSegmenter, chunk: bytes) -> _Command | None:
        if command.follow_up:
            # People say the wake word anyway; start over after it instead of transcribing it.
            self._preroll.append(chunk)
            name = self._wake.process(chunk)
            if name is not None:
                self._emit(WakeDetected(name, time.perf_counter()))
                return self._begin(segmenter, with_preroll=True)
        command.audio.extend(chunk)
        is_speech = self._vad.is_speech(chunk)
        now = time.perf_counter()
        if is_speech:
            command.last_speech = now
        event = segmenter.process(CHUNK_SECONDS, is_speech)
        if event is SegmentEvent.PAUSE:
            command.speculative_at = now
            command.speculative = self._executor.submit(
                self._stt.transcribe, bytes(command.audio), self._hotwords()
            )
        elif event in (SegmentEvent.DONE, SegmentEvent.TIMEOUT_MAX_LENGTH):
            self._finish(command, now)
            self._wake.reset()
            self._preroll.clear()
            return None
        elif event is SegmentEvent.TIMEOUT_NO_SPEECH:
            self._emit(NothingHeard("no speech after the wake word"))
            self._wake.reset()
            self._preroll.clear()
            return None
        return command

    def _finish(self, command: _Command, ended: float) -> None:
        started = time.perf_counter()
        # Valid only if nothing was said after the pause it was made at.
        speculative = command.speculative is not None and command.last_speech <= command.speculative_at
        if speculative and command.speculative is not None:
            transcript = command.speculative.result()
        else:
            transcript = self._executor.submit(
                self._stt.transcribe, bytes(command.audio), self._hotwords()
            ).result()
        self._emit(
            CommandHeard(
                transcript=transcript,
                audio=bytes(command.audio),
                speech_ended=ended,
                last_speech=command.last_speech,
                speculative=speculative,
                stt_seconds=time.perf_counter() - started,
                follow_up=command.follow_up,
            )
        )
