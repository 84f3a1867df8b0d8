"""Named countdown timers that survive a restart of the daemon.

Timers are kept as absolute wall-clock deadlines in a JSON file in the state directory, so a
restart resumes them (one that expired while the daemon was down fires at start-up). The clock is
injected so tests run without sleeping.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

_LOGGER = logging.getLogger(__name__)


@dataclass
class Timer:
    name: str
    duration: float
    """Seconds the timer was set for (grows with added time)."""
    deadline: float | None
    """Wall-clock time it fires; None while paused."""
    remaining_when_paused: float | None = None
    command: str | None = None
    """A command to carry out when it fires ("turn off the lights in ten minutes")."""

    def remaining(self, now: float) -> float:
        if self.deadline is None:
            return self.remaining_when_paused or 0.0
        return max(0.0, self.deadline - now)


class TimerError(Exception):
    """A timer request cannot be done; the message is spoken."""


class Timers:
    def __init__(self, path: Path | None, clock: Callable[[], float] = time.time) -> None:
        self._path = path
        self._clock = clock
        self._timers: dict[str, Timer] = {}
        self._load()

    def __len__(self) -> int:
        return len(self._timers)

    def start(self, seconds: float, name: str | None = None, command: str | None = None) -> Timer:
        if seconds <= 0:
            raise TimerError("How long should the timer be?")
        label = (name or describe_duration(seconds)).strip().lower()
        timer = Timer(label, seconds, self._clock() + seconds, command=command)
        self._timers[label] = timer
        self._save()
        return timer

    def find(self, name: str | None) -> Timer:
        if not self._timers:
            raise TimerError("There are no timers running.")
        if name:
            key = name.strip().lower()
            for label, timer in self._timers.items():
                if key in label or label in key:
                    return timer
            raise TimerError(f"There is no {name} timer.")
        if len(self._timers) > 1:
            raise TimerError(f"There are {len(self._timers)} timers. Which one?")
        return next(iter(self._timers.values()))

    def cancel(self, name: str | None) -> Timer:
        timer = self.find(name)
        del self._timers[timer.name]
        self._save()
        return timer

    def cancel_all(self) -> int:
        count = len(self._timers)
        self._timers.clear()
        self._save()
        return count

    def pause(self, name: str | None) -> Timer:
        timer = self.find(name)
        if timer.deadline is not None:
            timer.remaining_when_paused = timer.remaining(self._clock())
            timer.deadline = None
            self._save()
        return timer

    def resume(self, name: str | None) -> Timer:
        timer = self.find(name)
        if timer.deadline is None:
            timer.deadline = self._clock() + (timer.remaining_when_paused or 0.0)
            timer.remaining_when_paused = None
            self._save()
        return timer

    def add(self, seconds: float, name: str | None) -> Timer:
        timer = self.find(name)
        timer.duration = max(0.0, timer.duration + seconds)
        if timer.deadline is None:
            timer.remaining_when_paused = max(0.0, (timer.remaining_when_paused or 0.0) + seconds)
        else:
            timer.deadline = max(self._clock(), timer.deadline + seconds)
        self._save()
        return timer

    def remaining(self, name: str | None) -> tuple[Timer, float]:
        timer = self.find(name)
        return timer, timer.remaining(self._clock())

    def pop_due(self) -> list[Timer]:
        """Remove and return the timers whose deadline has passed."""
        now = self._clock()
        due = [t for t in self._timers.values() if t.deadline is not None and t.deadline <= now]
        for timer in due:
            del self._timers[timer.name]
        if due:
            self._save()
        return due

    def _load(self) -> None:
        if self._path is None or not self._path.is_file():
            return
        try:
            raw = json.loads(self._path.read_text(encoding="utf-8"))
            self._timers = {item["name"]: Timer(**item) for item in raw}
        except (OSError, ValueError, TypeError, KeyError) as err:
            _LOGGER.warning("Ignoring unreadable timers file %s: %s", self._path, err)

    def _save(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps([asdict(t) for t in self._timers.values()]), encoding="utf-8")
        tmp.replace(self._path)


def describe_duration(seconds: float) -> str:
    """'5 minute', '1 hour 30 minute', '45 second' — used as a timer's default name."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{n} {unit}" for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second")) if n]
    return " ".join(parts) or "0 second"


def speak_duration(seconds: float) -> str:
    """'5 minutes', '1 hour and 30 minutes', '45 seconds'."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [
        f"{n} {unit}{'s' if n != 1 else ''}"
        for n, unit in ((hours, "hour"), (minutes, "minute"), (secs, "second"))
        if n
    ]
    if not parts:
        return "less than a second"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
