"""Cancel and progress helpers shared by the core and the reader's workers."""

from __future__ import annotations

import threading

import pytest

from newsreader.progress import Cancelled, check, stage, throttled


def test_check_raises_only_once_cancelled() -> None:
    cancel = threading.Event()
    check(None)
    check(cancel)
    cancel.set()
    with pytest.raises(Cancelled):
        check(cancel)


def test_stage_names_the_reports() -> None:
    seen: list[tuple[str, int, int]] = []
    report = stage(lambda *r: seen.append(r), "Indexing")
    assert report is not None and stage(None, "Indexing") is None
    report(3, 10)
    assert seen == [("Indexing", 3, 10)]


def test_throttled_passes_a_report_per_interval_each_new_stage_and_the_last() -> None:
    now = [0.0]
    seen: list[tuple[str, int, int]] = []
    progress = throttled(lambda *r: seen.append(r), interval=1.0, clock=lambda: now[0])
    for done in range(10):
        progress("Reading", done, 10)  # all within one interval: only the first passes
    progress("Reading", 10, 10)  # the last step always passes
    progress("Indexing", 0, 5)  # a new stage always passes
    progress("Indexing", 1, 5)
    now[0] = 1.5
    progress("Indexing", 2, 5)  # an interval later
    assert seen == [
        ("Reading", 0, 10),
        ("Reading", 10, 10),
        ("Indexing", 0, 5),
        ("Indexing", 2, 5),
    ]
