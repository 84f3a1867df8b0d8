"""Speed and footprint of the real daemon, measured the way a user experiences them.

latency: spoken commands (espeak-ng, paced in real time from a WAV file) through the whole chain
against an embedded broker with the demo house; per command the time from the end of speech to
the MQTT publication and to the first reply audio, plus the stages.
footprint: the daemon process with every model loaded, after answering the spoken commands and
then listening to silence: start-up to READY, resident memory, CPU while waiting for the wake word.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import yaml

from assistant.config import Config

COMMANDS = (
    "turn on the kitchen light",
    "turn off the coffee maker",
    "set the bedroom blinds to 40 percent",
    "turn on the ceiling fan",
    "set the thermostat to 21 degrees",
    "turn off the living room lamp",
)


def _espeak(text: str) -> bytes:
    from assistant.audio import decode_wav, to_pipeline_format

    if shutil.which("espeak-ng") is None:
        raise SystemExit("the latency benchmark speaks with espeak-ng: apt-get install espeak-ng")
    out = subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "--stdout", text],
                         check=True, capture_output=True).stdout
    return to_pipeline_format(*decode_wav(out))


def _write(path: Path, audio: bytes) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(16000)
        wav.writeframes(audio)
    return path


def _silence(seconds: float) -> bytes:
    return bytes(int(seconds * 16000) * 2)


def _stats(values: list[float]) -> str:
    from assistant.benchmarks import percentile

    if not values:
        return "n/a"
    ms = [v * 1000 for v in values]
    return f"median {statistics.median(ms):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms (n={len(ms)})"


def _spoken_commands(runs: int) -> bytes:
    """"Okay Nabu" and each of COMMANDS, `runs` times, with the pauses a person leaves."""
    wake = _espeak("okay nabu")
    audio = _silence(1.0)
    for _ in range(runs):
        for command in COMMANDS:
            audio += wake + _silence(0.35) + _espeak(command) + _silence(4.0)
    return audio


def bench_latency(config: Config, runs: int) -> int:
    from assistant.brain import Brain
    from assistant.daemon import Daemon
    from assistant.demo_mode import DemoEnvironment
    from assistant.mqtt import MqttLink

    workdir = Path(tempfile.mkdtemp(prefix="assistant-bench-"))
    wav = _write(workdir / "commands.wav", _spoken_commands(runs))
    demo = DemoEnvironment.start(dataclasses.replace(config, state_dir=str(workdir / "state")))
    try:
        brain = Brain.from_config(demo.config, use_model=False)
        holder: dict[str, Daemon] = {}
        link = MqttLink(demo.config.mqtt, demo.config.site.id,
                        lambda t, p, r: holder["d"].on_mqtt_message(t, p, r))
        daemon = Daemon(demo.config, brain, link, input_wav=wav, realtime=True,
                        output_wav=workdir / "replies.wav")
        holder["d"] = daemon
        daemon.load()
        daemon.run()
    finally:
        demo.stop()
    timings = daemon.timings
    published = [t.published - t.speech_ended for t in timings if t.published]
    first_audio = [t.first_audio - t.speech_ended for t in timings if t.first_audio]
    from_last_speech = [t.published - t.last_speech for t in timings if t.published and t.last_speech]
    print(f"Latency on {os.uname().nodename} ({os.cpu_count()} cores), {len(timings)} spoken commands, "
          f"{len(published)} published:")
    print(f"  end of speech (segmenter) -> MQTT publication: {_stats(published)}")
    print(f"  end of speech (segmenter) -> first reply audio: {_stats(first_audio)}")
    print(f"  last speech chunk (VAD) -> MQTT publication:   {_stats(from_last_speech)}")
    print(f"  speech-to-text wait after end of speech:        {_stats([t.stt_seconds for t in timings])}")
    print(f"  understanding:                                  "
          f"{_stats([t.stages.get('understand', 0.0) for t in timings])}")
    speculative = sum(t.speculative for t in timings)
    print(f"  speculative transcript used: {speculative}/{len(timings)}")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


def bench_footprint(config: Config, seconds: float = 30.0) -> int:
    from assistant.demo_mode import DemoEnvironment

    workdir = Path(tempfile.mkdtemp(prefix="assistant-footprint-"))
    # The commands first, so that what speech recognition and synthesis keep after use is counted.
    spoken = _spoken_commands(runs=1)
    spoken_seconds = len(spoken) / 2 / 16000
    wav = _write(workdir / "commands-then-silence.wav", spoken + _silence(seconds + 120))
    demo = DemoEnvironment.start(dataclasses.replace(config, state_dir=str(workdir / "state")))
    config_path = workdir / "config.yaml"
    config_path.write_text(yaml.safe_dump({
        "mqtt": {"host": demo.config.mqtt.host, "port": demo.config.mqtt.port},
        "site": {"id": "footprint", "area": "Living Room"},
        "state_dir": str(workdir / "state"),
        "llm": {"enabled": config.llm.enabled, "model": config.llm.model},
    }))
    notify = workdir / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "run", "--config", str(config_path), "--input", str(wav),
         "--realtime", "--output", str(workdir / "replies.wav")],
        env={**os.environ, "NOTIFY_SOCKET": str(notify)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        sock.settimeout(180)
        while b"READY=1" not in sock.recv(4096):
            pass
        ready = time.monotonic() - started
        # The spoken commands are handled and answered; discovery has settled and the language
        # model's prompt is prepared.
        time.sleep(spoken_seconds + 15.0)
        cpu_before, wall_before = _cpu_seconds(process.pid), time.monotonic()
        peak_rss = 0
        stop = threading.Event()

        def sample() -> None:
            nonlocal peak_rss
            while not stop.wait(0.5):
                peak_rss = max(peak_rss, _rss_bytes(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        time.sleep(seconds)
        cpu = (_cpu_seconds(process.pid) - cpu_before) / (time.monotonic() - wall_before)
        anonymous, file_backed = _rss_bytes(process.pid, "RssAnon"), _rss_bytes(process.pid, "RssFile")
        stop.set()
        sampler.join()
        print(f"Footprint on {os.uname().nodename} ({os.cpu_count()} cores), llm "
              f"{'on: ' + config.llm.model if config.llm.enabled else 'off'}:")
        print(f"  start-up to READY=1:                {ready:.1f} s")
        print(f"  resident memory after {len(COMMANDS)} spoken commands, peak over {seconds:.0f} s of silence: "
              f"{peak_rss / 2**20:.0f} MB "
              f"(at the end: {anonymous / 2**20:.0f} MB private, {file_backed / 2**20:.0f} MB mapped model files)")
        print(f"  CPU while waiting for the wake word: {100 * cpu:.1f}% of one core")
    finally:
        process.terminate()
        process.wait(timeout=15)
        sock.close()
        demo.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def _rss_bytes(pid: int, field: str = "VmRSS") -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0
