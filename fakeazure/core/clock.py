"""Clocks. ``RealClock`` follows wall time (``serve``'s default, used by demos and benchmarks);
``VirtualClock`` only moves when told to (tests), so a 180-second NIC reservation or a slow operation
costs no wall time. A ``VirtualClock(follow_wall=True)`` also moves with wall time between its jumps: the
clock of a fake served over HTTPS, whose clients wait by sleeping (``az vm wait``, a retry after a delay)."""
import datetime
import threading
import time


class RealClock:
    virtual = False

    def now(self):
        return time.time()

    def advance(self, seconds):  # pragma: no cover - trivial
        raise ValueError("the real clock cannot be advanced; start the fake with --clock virtual")


class VirtualClock:
    virtual = True

    def __init__(self, start=None, follow_wall=False):
        self._t = float(start if start is not None else time.time())
        self._lock = threading.Lock()
        self._wall0 = time.monotonic() if follow_wall else None

    def _now(self):
        return self._t + (time.monotonic() - self._wall0 if self._wall0 is not None else 0.0)

    def now(self):
        with self._lock:
            return self._now()

    def advance(self, seconds):
        if seconds < 0:
            raise ValueError("a clock does not go backwards")
        with self._lock:
            self._t += float(seconds)
            return self._now()


def iso(ts):
    """ARM's timestamp format: 2026-04-01T10:20:30.1234567+00:00."""
    dt = datetime.datetime.fromtimestamp(ts, tz=datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "{:07d}".format(dt.microsecond * 10) + "+00:00"
