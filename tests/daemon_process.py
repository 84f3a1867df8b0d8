"""Run the real daemon (`python -m assistant.cli run`) as a subprocess for integration tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from assistant.demo import demo_retained


def write_config(folder: Path, broker_host: str, broker_port: int, **overrides: Any) -> Path:
    config: dict[str, Any] = {
        "site": {"id": "kitchen", "area": "Kitchen"},
        "mqtt": {"host": broker_host, "port": broker_port, "command_timeout": 3.0},
        "state_dir": str(folder / "state"),
        "llm": {"enabled": False},
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def publish_demo_house(listener: Any) -> None:
    for topic, payload in demo_retained():
        listener.publish(topic, payload, retain=True)


def start_daemon(
    folder: Path, config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    log = (folder / "daemon.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "run", "--config", str(config), *args],
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def stop_daemon(process: subprocess.Popen[bytes], folder: Path) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    print((folder / "daemon.log").read_text(errors="replace")[-20000:])
    return process.returncode
