"""Clocks. ``RealClock`` follows wall time (``serve``'s default, used by demos and benchmarks);
``VirtualClock`` only moves when told to (tests), so a 180-second NIC reservation or a slow operation
costs no wall time. A ``VirtualClock(follow_wall=True)`` also moves with wall time between its jumps: the
clock of a fake served over HTTPS, whose clients wait by sleeping (``az vm wait``, a retry after a delay)."""
import contextlib
import datetime
import threading
import time


class _Clock:
    """What both clocks share: :meth:`at`, the time an operation's effect sees while it runs."""

    def __init__(self):
        self._at = threading.local()

    @contextlib.contextmanager
    def at(self, when):
        """Within the block ``now()`` is ``when`` (in this thread): an operation's effect, applied when a
        request notices the operation is over, happens at the operation's end, not at the noticing."""
        saved = getattr(self._at, "when", None)
        self._at.when = when
        try:
            yield
        finally:
            self._at.when = saved

    def _pinned(self):
        return getattr(self._at, "when", None)


class RealClock(_Clock):
    virtual = False

    def now(self):
        pinned = self._pinned()
        return pinned if pinned is not None else time.time()

    def advance(self, seconds):  # pragma: no cover - trivial
        raise ValueError("the real clock cannot be advanced; start the fake with --clock virtual")


class VirtualClock(_Clock):
    virtual = True

    def __init__(self, start=None, follow_wall=False):
        super().__init__()
        self._t = float(start if start is not None else time.time())
        self._lock = threading.Lock()
        self._wall0 = time.monotonic() if follow_wall else None

    def _now(self):
        return self._t + (time.monotonic() - self._wall0 if self._wall0 is not None else 0.0)

    def now(self):
        pinned = self._pinned()
        if pinned is not None:
            return pinned
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
