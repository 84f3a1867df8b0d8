"""Audio in and out: microphone and WAV sources, speaker and WAV sinks.

Every source yields the pipeline format: 16 kHz mono signed 16-bit PCM in 10 ms chunks
(160 samples, 320 bytes), which is what microWakeWord and micro-vad consume.

Resampling is a small streaming polyphase windowed-sinc filter written with numpy (no scipy):
32 taps per output sample, e.g. 48 kHz -> 16 kHz costs about 0.5 M multiply-adds per second
of audio, cheap on a Raspberry Pi, and unlike linear interpolation it low-passes before
decimating, so hiss above 8 kHz does not fold into the speech band.

sounddevice (PortAudio) is imported only when a device is opened, so WAV sources and sinks
work on machines without PortAudio.
"""

from __future__ import annotations

import logging
import queue
import struct
import threading
import time
import wave
from dataclasses import dataclass
from math import gcd
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

import numpy as np

_LOGGER = logging.getLogger(__name__)

SAMPLE_RATE = 16000
SAMPLE_WIDTH = 2  # bytes, int16
CHUNK_SAMPLES = 160  # 10 ms at 16 kHz
CHUNK_BYTES = CHUNK_SAMPLES * SAMPLE_WIDTH
CHUNK_SECONDS = CHUNK_SAMPLES / SAMPLE_RATE

_DROP_LOG_INTERVAL_S = 60.0
_WAVE_FORMAT_PCM = 1
_WAVE_FORMAT_FLOAT = 3
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE


class AudioDeviceError(RuntimeError):
    """A microphone or speaker is missing, vanished or cannot be opened. Retrying may help."""


class AudioFileError(RuntimeError):
    """A WAV file is missing or cannot be read. Retrying will not help."""


@dataclass(frozen=True)
class AudioSettings:
    """Sound devices.

    input_device / output_device: a PortAudio device index, a (part of a) device name as
    listed by `python -m sounddevice`, or None for the system default.
    block_ms: chunk length handed to the pipeline; wake word and VAD need 10.
    queue_seconds: how much microphone audio may wait for the pipeline before the oldest
    is dropped.
    stall_seconds: no audio from an open microphone for this long means it vanished.
    """

    input_device: str | int | None = None
    output_device: str | int | None = None
    block_ms: int = 10
    queue_seconds: float = 2.0
    stall_seconds: float = 5.0


class AudioSource(Protocol):
    """Yields 16 kHz mono int16 chunks of `block_ms`."""

    def open(self) -> None: ...

    def close(self) -> None: ...

    def read(self, timeout: float | None = None) -> bytes | None: ...


class AudioSink(Protocol):
    """Plays int16 mono audio. `play` queues and returns; `wait` blocks until played."""

    @property
    def is_playing(self) -> bool: ...

    def play(self, samples: bytes, rate: int) -> None: ...

    def stop(self) -> None: ...

    def wait(self, timeout: float | None = None) -> bool: ...

    def close(self) -> None: ...


# --- conversion ------------------------------------------------------------------------------


class Resampler:
    """Streaming polyphase windowed-sinc resampler for mono float32 audio.

    The rate ratio is reduced to up/down; for every output sample the filter phase is the
    fractional input position in 1/up steps, so all phases are precomputed once.
    """

    def __init__(self, in_rate: int, out_rate: int, taps: int = 32) -> None:
        divisor = gcd(in_rate, out_rate)
        self._up = out_rate // divisor
        self._down = in_rate // divisor
        self._half = taps // 2
        self._offsets = np.arange(-self._half + 1, self._half + 1)
        cutoff = 0.9 * min(1.0, out_rate / in_rate)  # of the input Nyquist frequency
        x = self._offsets[None, :] - (np.arange(self._up) / self._up)[:, None]
        window = np.i0(8.0 * np.sqrt(np.clip(1.0 - (x / self._half) ** 2, 0.0, None))) / np.i0(8.0)
        bank = cutoff * np.sinc(cutoff * x) * window
        self._bank = (bank / bank.sum(axis=1, keepdims=True)).astype(np.float32)
        self.reset()

    def reset(self) -> None:
        self._buffer = np.zeros(self._half - 1, dtype=np.float32)
        self._position = (self._half - 1) * self._up  # of the next output, in 1/up input samples

    def process(self, samples: np.ndarray) -> np.ndarray:
        if self._up == self._down:
            return samples.astype(np.float32)
        self._buffer = np.concatenate([self._buffer, samples.astype(np.float32)])
        last_start = len(self._buffer) - 1 - self._half  # largest position with a full window
        if self._position // self._up > last_start:
            return np.zeros(0, dtype=np.float32)
        count = (last_start * self._up + self._up - 1 - self._position) // self._down + 1
        positions = self._position + np.arange(count) * self._down
        starts, phases = np.divmod(positions, self._up)
        frames = self._buffer[starts[:, None] + self._offsets[None, :]]
        output = np.einsum("ij,ij->i", frames, self._bank[phases])
        self._position += count * self._down
        consumed = self._position // self._up - (self._half - 1)
        self._buffer = self._buffer[consumed:]
        self._position -= consumed * self._up
        return output

    def flush(self) -> np.ndarray:
        """The output still held back by the filter's look-ahead; resets the stream."""
        if self._up == self._down:
            return np.zeros(0, dtype=np.float32)
        tail_inputs = len(self._buffer) - self._position / self._up
        wanted = int(np.ceil(tail_inputs * self._up / self._down))
        output = self.process(np.zeros(self._half, dtype=np.float32))[:wanted]
        self.reset()
        return output


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Resample a whole mono float32 signal."""
    if in_rate == out_rate:
        return samples.astype(np.float32)
    resampler = Resampler(in_rate, out_rate)
    return np.concatenate([resampler.process(samples), resampler.flush()])


def to_int16_bytes(samples: np.ndarray) -> bytes:
    """Float audio in [-1, 1] to int16 PCM bytes (clipped)."""
    return np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()


def int16_to_float(samples: bytes) -> np.ndarray:
    return np.frombuffer(samples, dtype="<i2").astype(np.float32) / 32768.0


def read_wav(path: str | Path) -> tuple[np.ndarray, int]:
    """Any PCM (8/16/24/32-bit) or float WAV file as float32 (frames, channels) and its rate."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AudioFileError(f"cannot read WAV file {path}: {err.strerror}") from err
    return decode_wav(data, str(path))


def decode_wav(data: bytes, name: str = "WAV data") -> tuple[np.ndarray, int]:
    """WAV bytes as float32 (frames, channels) and the sample rate.

    Parsed by hand because the `wave` module of Python 3.11 rejects float and
    WAVE_FORMAT_EXTENSIBLE files (most 24-bit and multichannel recordings). A streamed WAV
    whose header claims more data than there is (espeak-ng --stdout) is read to its end.
    """
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioFileError(f"{name} is not a WAV file (no RIFF/WAVE header)")
    fmt, pcm, pos = b"", None, 12
    while pos + 8 <= len(data):
        chunk_id, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk_id == b"fmt ":
            fmt = data[pos + 8 : pos + 8 + size]
        elif chunk_id == b"data":
            pcm = data[pos + 8 : pos + 8 + size]
            break
        pos += 8 + size + (size & 1)
    if len(fmt) < 16 or pcm is None:
        raise AudioFileError(f"{name}: WAV file without a 'fmt ' or 'data' chunk")
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == _WAVE_FORMAT_EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # first two bytes of the sub-format GUID
    width = bits // 8
    if channels < 1 or width < 1 or rate < 1:
        raise AudioFileError(f"{name}: invalid WAV format ({channels} channels, {bits} bits, {rate} Hz)")
    pcm = pcm[: len(pcm) - len(pcm) % (width * channels)]
    samples = _decode_pcm(pcm, tag, width)
    if samples is None:
        raise AudioFileError(
            f"{name}: unsupported WAV encoding (format {tag}, {bits} bits); "
            "convert it to 16-bit PCM, e.g. `sox in.wav -b 16 out.wav`"
        )
    return samples.reshape(-1, channels), rate


def _decode_pcm(pcm: bytes, tag: int, width: int) -> np.ndarray | None:
    if tag == _WAVE_FORMAT_FLOAT and width in (4, 8):
        return np.frombuffer(pcm, dtype=f"<f{width}").astype(np.float32)
    if tag != _WAVE_FORMAT_PCM:
        return None
    if width == 1:
        return (np.frombuffer(pcm, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
    if width in (2, 4):
        return np.frombuffer(pcm, dtype=f"<i{width}").astype(np.float32) / float(2 ** (8 * width - 1))
    if width == 3:
        raw = np.frombuffer(pcm, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        values = raw[:, 0] | (raw[:, 1] << 8) | (raw[:, 2] << 16)
        values = np.where(values >= 1 << 23, values - (1 << 24), values)
        return values.astype(np.float32) / float(1 << 23)
    return None


def to_pipeline_format(samples: np.ndarray, rate: int) -> bytes:
    """Float32 (frames, channels) audio as 16 kHz mono int16 bytes."""
    return to_int16_bytes(resample(samples.mean(axis=1), rate, SAMPLE_RATE))


# --- PortAudio ---------------------------------------------------------------------------------


def _sounddevice() -> ModuleType:
    try:
        import sounddevice
    except OSError as err:
        raise AudioDeviceError(
            f"the PortAudio library is missing ({err}): install it, e.g. `apt install libportaudio2`"
        ) from err
    return sounddevice


def _device_list(sd: ModuleType, kind: str) -> str:
    key = "max_input_channels" if kind == "input" else "max_output_channels"
    try:
        devices = [f"{d['index']}: {d['name']}" for d in sd.query_devices() if d[key] > 0]
    except sd.PortAudioError:
        devices = []
    return "; ".join(devices) or "none"


def _describe(device: str | int | None, kind: str) -> str:
    return f"the default {kind} device" if device is None else f"{kind} device '{device}'"


def _query_device(sd: ModuleType, device: str | int | None, kind: str) -> dict[str, Any]:
    setting = "audio.input_device" if kind == "input" else "audio.output_device"
    try:
        return sd.query_devices(device, kind)
    except (ValueError, sd.PortAudioError) as err:
        raise AudioDeviceError(
            f"cannot find {_describe(device, kind)} ({err}). Available {kind} devices: "
            f"{_device_list(sd, kind)}. Plug one in, or set {setting} to one of these "
            "names or indexes (empty = system default)."
        ) from err


def _choose_format(sd: ModuleType, info: dict[str, Any], kind: str, rate: int) -> tuple[int, int]:
    """(rate, channels) for int16 audio: `rate` mono if the device takes it, else its default rate."""
    check = sd.check_input_settings if kind == "input" else sd.check_output_settings
    default_rate = int(info["default_samplerate"])
    max_channels = int(info[f"max_{kind}_channels"])
    for candidate in [(rate, 1), (default_rate, 1), (default_rate, max_channels)]:
        try:
            check(info["index"], channels=candidate[1], dtype="int16", samplerate=candidate[0])
        except (ValueError, sd.PortAudioError):
            continue
        return candidate
    raise AudioDeviceError(
        f"{kind} device '{info['name']}' takes int16 audio neither at {rate} Hz nor at its default "
        f"rate {default_rate} Hz; choose another audio.{kind}_device"
    )


def _reinitialize_portaudio(sd: ModuleType) -> None:
    """PortAudio lists devices once, at initialisation: re-read the list after a device vanished."""
    sd._terminate()
    sd._initialize()


# --- sources ----------------------------------------------------------------------------------


def _abort(stream: Any, what: str) -> None:
    """Stop and close a PortAudio stream at once; a vanished device may fail here, which is fine."""
    if stream is None:
        return
    try:
        stream.abort()
        stream.close()
    except Exception as err:  # a vanished device can fail in many PortAudio ways
        _LOGGER.debug("Closing %s stream failed: %s", what, err)


class MicrophoneSource:
    """Live microphone audio, converted to 16 kHz mono int16 in `block_ms` chunks.

    The PortAudio callback only puts raw blocks into a bounded queue; conversion happens in
    `read`. When the pipeline falls behind, the oldest blocks are dropped (counted, and
    logged at most once a minute).
    """

    def __init__(self, settings: AudioSettings = AudioSettings()) -> None:
        self._settings = settings
        self._stream: Any = None
        self._queue: queue.Queue[bytes] = queue.Queue()
        self._resampler: Resampler | None = None
        self._channels = 1
        self._pending = b""
        self._out_bytes = SAMPLE_RATE * settings.block_ms // 1000 * SAMPLE_WIDTH
        self._dropped = 0
        self._dropped_logged = 0
        self._last_drop_log = -_DROP_LOG_INTERVAL_S
        self._last_audio = 0.0
        self._failed = False

    @property
    def dropped_blocks(self) -> int:
        return self._dropped

    def open(self) -> None:
        """Start capturing; raises AudioDeviceError (retry later) when the microphone is missing."""
        self.close()
        sd = _sounddevice()
        if self._failed:
            _reinitialize_portaudio(sd)
        device = self._settings.input_device
        try:
            info = _query_device(sd, device, "input")
            rate, channels = _choose_format(sd, info, "input", SAMPLE_RATE)
            block_frames = max(1, rate * self._settings.block_ms // 1000)
            capacity = max(1, int(self._settings.queue_seconds * 1000 / self._settings.block_ms))
            self._queue = queue.Queue(maxsize=capacity)
            self._stream = sd.RawInputStream(
                device=info["index"],
                samplerate=rate,
                channels=channels,
                dtype="int16",
                blocksize=block_frames,
                callback=self._callback,
            )
            self._stream.start()
        except sd.PortAudioError as err:
            self._failed = True
            self.close()
            raise AudioDeviceError(
                f"cannot open microphone, {_describe(device, 'input')}: {err}. Check that it is plugged in "
                "and not used exclusively by another program."
            ) from err
        except AudioDeviceError:
            self._failed = True
            raise
        self._failed = False
        self._channels = channels
        self._resampler = Resampler(rate, SAMPLE_RATE) if rate != SAMPLE_RATE else None
        self._pending = b""
        self._last_audio = time.monotonic()
        _LOGGER.info("Microphone '%s' open at %d Hz, %d channel(s)", info["name"], rate, channels)

    def _callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        block = bytes(indata)
        while True:
            try:
                self._queue.put_nowait(block)
                return
            except queue.Full:
                try:
                    self._queue.get_nowait()
                    self._dropped += 1
                except queue.Empty:
                    pass

    def read(self, timeout: float | None = None) -> bytes | None:
        """The next chunk, or None if none arrived within `timeout` seconds."""
        if self._stream is None:
            raise AudioDeviceError("microphone is not open: call open() first")
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(self._pending) < self._out_bytes:
            wait = self._settings.stall_seconds
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
            try:
                block = self._queue.get(timeout=max(0.0, wait))
            except queue.Empty:
                self._check_alive()
                if deadline is not None and time.monotonic() >= deadline:
                    return None
                continue
            self._last_audio = time.monotonic()
            self._pending += self._convert(block)
        self._log_drops()
        chunk, self._pending = self._pending[: self._out_bytes], self._pending[self._out_bytes :]
        return chunk

    def _convert(self, block: bytes) -> bytes:
        if self._channels == 1 and self._resampler is None:
            return block
        samples = np.frombuffer(block, dtype="<i2")
        mono = samples.reshape(-1, self._channels).mean(axis=1, dtype=np.float32) / 32768.0
        if self._resampler is not None:
            mono = self._resampler.process(mono)
        return to_int16_bytes(mono)

    def _check_alive(self) -> None:
        stream = self._stream
        silent_for = time.monotonic() - self._last_audio
        if stream is not None and stream.active and silent_for < self._settings.stall_seconds:
            return
        self._failed = True
        device = self._settings.input_device
        self.close()
        raise AudioDeviceError(
            f"the microphone, {_describe(device, 'input')}, stopped delivering audio "
            f"({silent_for:.1f} s without a block): it was probably unplugged or taken by another program"
        )

    def _log_drops(self) -> None:
        now = time.monotonic()
        if self._dropped > self._dropped_logged and now - self._last_drop_log >= _DROP_LOG_INTERVAL_S:
            _LOGGER.warning(
                "Dropped %d microphone block(s) in total: the pipeline is not keeping up with the audio",
                self._dropped,
            )
            self._dropped_logged = self._dropped
            self._last_drop_log = now

    def close(self) -> None:
        stream, self._stream = self._stream, None
        _abort(stream, "microphone")


class WavFileSource:
    """A WAV file as pipeline chunks, then `trailing_silence_s` of silence, then the end.

    The trailing silence lets the end-of-speech detector finish the last command.
    With `realtime`, chunks are released at the pace of a live microphone.
    """

    def __init__(
        self,
        path: str | Path,
        realtime: bool = False,
        trailing_silence_s: float = 2.0,
        block_ms: int = 10,
    ) -> None:
        self.path = Path(path)
        self._realtime = realtime
        self._trailing_silence_s = trailing_silence_s
        self._chunk_bytes = SAMPLE_RATE * block_ms // 1000 * SAMPLE_WIDTH
        self._chunk_seconds = block_ms / 1000
        self._audio = b""
        self._offset = 0
        self._started = 0.0
        self._index = 0

    @property
    def exhausted(self) -> bool:
        return self._offset >= len(self._audio)

    def open(self) -> None:
        audio = to_pipeline_format(*read_wav(self.path))
        silence = bytes(int(self._trailing_silence_s * SAMPLE_RATE) * SAMPLE_WIDTH)
        padded = audio + silence
        padded += bytes(-len(padded) % self._chunk_bytes)
        self._audio = padded
        self._offset = 0
        self._index = 0
        self._started = time.monotonic()

    def read(self, timeout: float | None = None) -> bytes | None:
        """The next chunk; None once the file (and its trailing silence) is exhausted."""
        if self.exhausted:
            return None
        if self._realtime:
            wait = self._started + self._index * self._chunk_seconds - time.monotonic()
            if timeout is not None and wait > timeout:
                time.sleep(max(0.0, timeout))
                return None
            if wait > 0:
                time.sleep(wait)
        chunk = self._audio[self._offset : self._offset + self._chunk_bytes]
        self._offset += self._chunk_bytes
        self._index += 1
        return chunk

    def close(self) -> None:
        self._audio = b""
        self._offset = 0


# --- sinks ------------------------------------------------------------------------------------


class SpeakerSink:
    """Plays int16 mono audio on the output device.

    `play` queues audio and returns at once; the PortAudio callback pulls from that queue,
    so `stop` (barge-in) silences the speaker within one callback block (~20 ms).
    The stream stays open between utterances and is reopened when the rate changes, or when
    it died (device unplugged, or PortAudio re-initialised by a microphone that reconnects;
    the speaker itself never re-initialises PortAudio, as that would cut the microphone).
    """

    _BLOCK_S = 0.02

    def __init__(self, settings: AudioSettings = AudioSettings()) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._buffer = bytearray()
        self._idle = threading.Event()
        self._idle.set()
        self._stream: Any = None
        self._stream_rate = 0
        self._device_rate = 0
        self._channels = 1

    @property
    def is_playing(self) -> bool:
        return not self._idle.is_set()

    def play(self, samples: bytes, rate: int) -> None:
        """Queue audio; raises AudioDeviceError when the speaker cannot be opened."""
        if not samples:
            return
        if self._stream is not None and not self._stream_alive():
            self._close_stream()
        if rate != self._stream_rate:
            self.wait()
            self._open(rate)
        if self._device_rate != rate:
            samples = to_int16_bytes(resample(int16_to_float(samples), rate, self._device_rate))
        if self._channels > 1:
            frames = np.frombuffer(samples, dtype="<i2")
            samples = np.repeat(frames, self._channels).tobytes()
        with self._lock:
            self._buffer += samples
            self._idle.clear()

    def _open(self, rate: int) -> None:
        sd = _sounddevice()
        self._close_stream()
        device = self._settings.output_device
        info = _query_device(sd, device, "output")
        device_rate, channels = _choose_format(sd, info, "output", rate)
        try:
            stream = sd.RawOutputStream(
                device=info["index"],
                samplerate=device_rate,
                channels=channels,
                dtype="int16",
                blocksize=int(device_rate * self._BLOCK_S),
                callback=self._callback,
            )
            stream.start()
        except sd.PortAudioError as err:
            raise AudioDeviceError(
                f"cannot open speaker, {_describe(device, 'output')}, at {device_rate} Hz: {err}. "
                "Check that it is plugged in, or set audio.output_device to another device."
            ) from err
        self._stream, self._stream_rate = stream, rate
        self._device_rate, self._channels = device_rate, channels
        _LOGGER.info("Speaker '%s' open at %d Hz", info["name"], device_rate)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        wanted = len(outdata)
        with self._lock:
            taken = bytes(self._buffer[:wanted])
            del self._buffer[:wanted]
            if not self._buffer:
                self._idle.set()
        outdata[: len(taken)] = taken
        if len(taken) < wanted:
            outdata[len(taken) :] = bytes(wanted - len(taken))

    def stop(self) -> None:
        """Drop everything queued: the speaker falls silent at the next callback block."""
        with self._lock:
            self._buffer.clear()
            self._idle.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until everything queued was played (or stopped); False on timeout.

        Raises AudioDeviceError when the speaker dies with audio still queued.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._idle.is_set():
            if not self._stream_alive():
                self._close_stream()
                raise AudioDeviceError(
                    f"the speaker, {_describe(self._settings.output_device, 'output')}, stopped playing: "
                    "it was probably unplugged"
                )
            remaining = 0.1 if deadline is None else deadline - time.monotonic()
            if remaining <= 0:
                return False
            self._idle.wait(min(0.1, remaining))
        return True

    def _stream_alive(self) -> bool:
        stream = self._stream
        if stream is None:
            return False
        try:
            return bool(stream.active)
        except Exception:  # PortAudioError once PortAudio was re-initialised under this stream
            return False

    def _close_stream(self) -> None:
        self.stop()
        stream, self._stream, self._stream_rate = self._stream, None, 0
        _abort(stream, "speaker")

    def close(self) -> None:
        self._close_stream()


class WavFileSink:
    """Writes everything played into one 16-bit mono WAV file.

    The file takes the rate of the first utterance; later ones are resampled to it.
    `wave` rewrites the header after every write, so the file is valid at all times.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._writer: wave.Wave_write | None = None
        self._rate = 0

    @property
    def is_playing(self) -> bool:
        return False

    def play(self, samples: bytes, rate: int) -> None:
        if self._writer is None:
            try:
                self._writer = wave.open(str(self.path), "wb")
            except OSError as err:
                raise AudioFileError(f"cannot write WAV file {self.path}: {err.strerror}") from err
            self._writer.setnchannels(1)
            self._writer.setsampwidth(SAMPLE_WIDTH)
            self._writer.setframerate(rate)
            self._rate = rate
        if rate != self._rate:
            samples = to_int16_bytes(resample(int16_to_float(samples), rate, self._rate))
        self._writer.writeframes(samples)

    def stop(self) -> None:
        """Nothing to interrupt: audio is written as soon as it is played."""

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()


class NullSink:
    """Discards audio (no speaker configured)."""

    @property
    def is_playing(self) -> bool:
        return False

    def play(self, samples: bytes, rate: int) -> None:
        """Discard."""

    def stop(self) -> None:
        """Nothing to interrupt."""

    def wait(self, timeout: float | None = None) -> bool:
        return True

    def close(self) -> None:
        """Nothing to release."""
