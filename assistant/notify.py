"""Tell systemd how the daemon is doing: the sd_notify protocol, without a dependency.

Under a `Type=notify` unit systemd passes a datagram socket in `$NOTIFY_SOCKET` (a path, or an
abstract name written with a leading "@"). The daemon sends "READY=1" once its models are
loaded, "WATCHDOG=1" regularly when the unit has `WatchdogSec=` (systemd passes the timeout as
`$WATCHDOG_USEC`), "STOPPING=1" on the way out and "STATUS=..." for `systemctl status`.
Outside systemd every call does nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Callable, Mapping

_LOGGER = logging.getLogger(__name__)


class Notifier:
    """Sends state changes to systemd's notification socket; a no-op when there is none."""

    def __init__(
        self, address: str | None, watchdog_usec: int | None = None, watchdog_pid: int | None = None
    ) -> None:
        """`address`: the `$NOTIFY_SOCKET` value (None: not under systemd).

        `watchdog_usec` / `watchdog_pid`: `$WATCHDOG_USEC` / `$WATCHDOG_PID`.
        """
        self._address = _socket_address(address) if address else None
        self._watchdog_usec = watchdog_usec
        self._watchdog_pid = watchdog_pid

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Notifier:
        """The notifier systemd set up for this process (`os.environ` unless `environ` is given)."""
        env = os.environ if environ is None else environ
        return cls(
            env.get("NOTIFY_SOCKET") or None,
            _positive_int(env, "WATCHDOG_USEC"),
            _positive_int(env, "WATCHDOG_PID"),
        )

    @property
    def enabled(self) -> bool:
        """Whether there is a systemd to talk to."""
        return self._address is not None

    def ready(self, status: str | None = None) -> bool:
        """Start-up is complete: systemd marks the unit active and starts the watchdog."""
        return self.notify("READY=1", *_status_field(status))

    def watchdog(self) -> bool:
        """Still alive: resets systemd's watchdog timer."""
        return self.notify("WATCHDOG=1")

    def stopping(self, status: str | None = None) -> bool:
        """Shutting down of our own accord (so a clean exit is not taken for a crash)."""
        return self.notify("STOPPING=1", *_status_field(status))

    def status(self, text: str) -> bool:
        """A one-line status shown by `systemctl status assistant`."""
        return self.notify(*_status_field(text))

    def watchdog_interval(self) -> float | None:
        """Seconds between WATCHDOG=1 pings (half the timeout, as systemd advises), or None.

        None when the unit has no watchdog, or when `$WATCHDOG_PID` names another process
        (the variables were inherited from a parent that systemd watches, not us).
        """
        if self._address is None or self._watchdog_usec is None:
            return None
        if self._watchdog_pid is not None and self._watchdog_pid != os.getpid():
            return None
        return self._watchdog_usec / 2 / 1_000_000

    def notify(self, *fields: str) -> bool:
        """Send `fields` ("KEY=value") as one message. False if not under systemd or it failed.

        A failure is logged, not raised: the assistant keeps working without systemd's view of it.
        """
        if self._address is None or not fields:
            return False
        message = "\n".join(fields).encode("utf-8")
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.sendto(message, self._address)
        except OSError as err:
            _LOGGER.warning("Cannot notify systemd at %r ($NOTIFY_SOCKET): %s", self._address, err)
            return False
        return True


class WatchdogPinger:
    """Paces WATCHDOG=1: the main loop calls `tick()` on every iteration.

    A ping goes out at most once per `Notifier.watchdog_interval()`, so a main loop that hangs
    stops the pings and systemd restarts the service after `WatchdogSec=`.
    """

    def __init__(self, notifier: Notifier, clock: Callable[[], float] = time.monotonic) -> None:
        self._notifier = notifier
        self._clock = clock
        self._interval = notifier.watchdog_interval()
        self._last: float | None = None

    def tick(self) -> None:
        if self._interval is None:
            return
        now = self._clock()
        if self._last is None or now - self._last >= self._interval:
            self._notifier.watchdog()
            self._last = now


def _socket_address(address: str) -> str | bytes:
    """A path, or an abstract socket name ("@name" -> b"\\0name")."""
    if address.startswith("@"):
        return b"\0" + address[1:].encode("utf-8")
    return address


def _status_field(status: str | None) -> tuple[str, ...]:
    if status is None:
        return ()
    return ("STATUS=" + " ".join(status.splitlines()),)


def _positive_int(env: Mapping[str, str], name: str) -> int | None:
    value = env.get(name, "").strip()
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        _LOGGER.warning("Ignoring $%s=%r: not a whole number", name, value)
        return None
    return number if number > 0 else None
