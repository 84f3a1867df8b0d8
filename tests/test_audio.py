"""WAV sources and sinks, resampling, and the errors for missing sound devices."""

from __future__ import annotations

import struct
import time
import wave
from pathlib import Path

import numpy as np
import pytest
from speech import write_wav

from assistant.audio import (
    CHUNK_BYTES,
    AudioDeviceError,
    AudioFileError,
    AudioSettings,
    MicrophoneSource,
    Resampler,
    SpeakerSink,
    WavFileSink,
    WavFileSource,
    resample,
)


def tone(frequency: float, seconds: float, rate: int, level: float = 0.5) -> np.ndarray:
    return level * np.sin(2 * np.pi * frequency * np.arange(int(seconds * rate)) / rate)


def dominant_frequency(samples: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.fft.rfftfreq(len(samples), 1 / rate)[np.argmax(spectrum)])


def read_all(source: WavFileSource) -> list[bytes]:
    source.open()
    chunks = []
    while (chunk := source.read(timeout=1.0)) is not None:
        chunks.append(chunk)
    source.close()
    return chunks


def wav_file(path: Path, frames: np.ndarray, rate: int, encoding: str) -> Path:
    """A WAV with `frames` (frames, channels) in [-1, 1], written by hand for the encodings
    Python's `wave` cannot write: float, and 24-bit WAVE_FORMAT_EXTENSIBLE."""
    channels = frames.shape[1]
    if encoding == "pcm8":
        tag, width, data = 1, 1, (frames * 127 + 128).astype(np.uint8).tobytes()
    elif encoding == "pcm16":
        tag, width, data = 1, 2, (frames * 32767).astype("<i2").tobytes()
    elif encoding == "float32":
        tag, width, data = 3, 4, frames.astype("<f4").tobytes()
    else:  # 24-bit PCM, WAVE_FORMAT_EXTENSIBLE
        values = (frames * 8_388_607).astype("<i4").reshape(-1, 1).view(np.uint8).reshape(-1, 4)
        tag, width, data = 0xFFFE, 3, values[:, :3].tobytes()
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * channels * width, channels * width, 8 * width)
    if tag == 0xFFFE:
        guid_pcm = b"\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHI", 22, 8 * width, (1 << channels) - 1) + guid_pcm
    body = b"WAVEfmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def test_wav_source_converts_44k_stereo_and_adds_trailing_silence(tmp_path: Path) -> None:
    stereo = np.stack([tone(1000, 1.0, 44100), tone(1000, 1.0, 44100)], axis=1)
    path = wav_file(tmp_path / "stereo.wav", stereo, 44100, "pcm16")
    chunks = read_all(WavFileSource(path, trailing_silence_s=2.0))
    assert {len(chunk) for chunk in chunks} == {CHUNK_BYTES}
    assert len(chunks) == 300  # 1 s of audio + 2 s of silence, in 10 ms chunks
    samples = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768
    assert dominant_frequency(samples[:16000], 16000) == pytest.approx(1000, abs=5)
    assert np.abs(samples[200:15800]).max() == pytest.approx(0.5, abs=0.02)
    assert not samples[16100:].any()


@pytest.mark.parametrize("encoding", ["pcm8", "pcm16", "pcm24-extensible", "float32"])
def test_wav_source_reads_common_encodings(tmp_path: Path, encoding: str) -> None:
    path = wav_file(tmp_path / "in.wav", tone(440, 0.5, 48000)[:, None], 48000, encoding)
    chunks = read_all(WavFileSource(path, trailing_silence_s=0.0))
    samples = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768
    assert len(samples) == 8000
    assert dominant_frequency(samples, 16000) == pytest.approx(440, abs=5)


def test_wav_source_paces_in_real_time(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "half.wav", bytes(16000))  # 0.5 s
    source = WavFileSource(path, realtime=True, trailing_silence_s=0.0)
    started = time.monotonic()
    chunks = read_all(source)
    assert len(chunks) == 50
    assert time.monotonic() - started >= 0.45
    assert source.exhausted


def test_wav_source_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(AudioFileError, match=r"cannot read WAV file .*missing\.wav"):
        WavFileSource(tmp_path / "missing.wav").open()
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(AudioFileError, match=r"notes\.txt is not a WAV file"):
        WavFileSource(tmp_path / "notes.txt").open()


def test_wav_sink_appends_utterances_at_the_first_rate(tmp_path: Path) -> None:
    sink = WavFileSink(tmp_path / "out.wav")
    sink.play((tone(500, 1.0, 22050) * 32767).astype("<i2").tobytes(), 22050)
    sink.play((tone(500, 0.5, 16000) * 32767).astype("<i2").tobytes(), 16000)
    with wave.open(str(tmp_path / "out.wav")) as written:  # valid before close, too
        assert written.getframerate() == 22050
        assert written.getnframes() == 22050 + 11025
    sink.close()
    with wave.open(str(tmp_path / "out.wav")) as written:
        assert (written.getnchannels(), written.getsampwidth()) == (1, 2)
        samples = np.frombuffer(written.readframes(written.getnframes()), dtype="<i2") / 32768
    assert dominant_frequency(samples[22050:], 22050) == pytest.approx(500, abs=5)


def test_streaming_resampler_matches_whole_file_resampling() -> None:
    signal = tone(300, 1.0, 44100).astype(np.float32)
    resampler = Resampler(44100, 16000)
    streamed = [resampler.process(signal[start : start + 441]) for start in range(0, 44100, 441)]
    streamed.append(resampler.flush())
    whole = resample(signal, 44100, 16000)
    assert len(whole) == 16000
    np.testing.assert_allclose(np.concatenate(streamed), whole, atol=1e-5)


def test_resampling_removes_what_the_lower_rate_cannot_carry() -> None:
    hiss = tone(10000, 1.0, 48000)  # above 8 kHz, the Nyquist frequency of 16 kHz
    assert np.sqrt(np.mean(resample(hiss, 48000, 16000)[100:-100] ** 2)) < 0.02


def test_missing_microphone_is_a_device_error() -> None:
    source = MicrophoneSource(AudioSettings(input_device="no such microphone"))
    expected = r"cannot find input device 'no such microphone'.*set audio\.input_device"
    with pytest.raises(AudioDeviceError, match=expected):
        source.open()
    with pytest.raises(AudioDeviceError, match=expected):
        source.open()  # the pipeline retries: a second attempt fails the same clear way


def test_missing_speaker_is_a_device_error() -> None:
    sink = SpeakerSink(AudioSettings(output_device="no such speaker"))
    expected = r"cannot find output device 'no such speaker'.*set audio\.output_device"
    with pytest.raises(AudioDeviceError, match=expected):
        sink.play(bytes(320), 16000)
