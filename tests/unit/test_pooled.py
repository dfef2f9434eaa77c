"""`parse_pool.pooled`: work shared out to worker processes, answers in order, and a failing
pool finishes the work here."""

from __future__ import annotations

import pytest

from newsreader.store import parse_pool


def square(x: int) -> int:
    return x * x


def refuse(*args: object) -> None:
    raise RuntimeError("this worker cannot start")


def test_answers_come_in_the_order_of_the_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSREADER_WORKERS", "2")
    assert list(parse_pool.pooled(square, range(40))) == [x * x for x in range(40)]


def test_a_pool_that_fails_leaves_the_work_to_this_process(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("NEWSREADER_WORKERS", "2")
    here: list[int] = []

    def local(x: int) -> int:
        here.append(x)
        return x * x

    items = iter(range(40))  # consumed lazily: none may be lost between the pool and here
    got = list(parse_pool.pooled(square, items, setup=refuse, local=local))
    assert got == [x * x for x in range(40)]
    assert here == list(range(40))
    assert "worker processes failed" in caplog.text
