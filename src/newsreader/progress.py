"""Cancelling and reporting long work: one home for the core and the reader's workers.

The core (loading, indexing, comparing, stories) takes a `threading.Event` to stop at and a
plain callback for progress, and never imports textual; a reader worker passes its event and a
`throttled` callback that posts to the UI thread, so reports arrive often enough to animate a
bar and never flood the message queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

Progress = Callable[[int, int], None]
"""`progress(done, total)`: how far one stage of work has come."""

StageProgress = Callable[[str, int, int], None]
"""`progress(stage, done, total)`: the same for work done in named stages."""

INTERVAL = 0.05  # seconds between reports passed on: enough to animate, not to flood


class Cancelled(Exception):
    """Raised inside long work when the caller's cancel event is set."""


def check(cancel: threading.Event | None) -> None:
    """Raise `Cancelled` if `cancel` is set (called between batches of work)."""
    if cancel is not None and cancel.is_set():
        raise Cancelled


def stage(progress: StageProgress | None, name: str) -> Progress | None:
    """A one-stage `progress(done, total)` that reports to `progress` under `name`."""
    if progress is None:
        return None
    return lambda done, total: progress(name, done, total)


def throttled(
    report: StageProgress,
    interval: float = INTERVAL,
    clock: Callable[[], float] = time.monotonic,
) -> StageProgress:
    """`report`, called at most once per `interval` seconds, but always for a new stage and for
    the last step of one (done >= total), so a bar never stops short of where the work is."""
    last_time = -float("inf")
    last_stage: str | None = None

    def progress(name: str, done: int, total: int) -> None:
        nonlocal last_time, last_stage
        now = clock()
        if name != last_stage or done >= total or now - last_time >= interval:
            last_time, last_stage = now, name
            report(name, done, total)

    return progress
