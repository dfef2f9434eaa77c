"""Shared helpers for the reader's Pilot tests: hand-made corpora and waiting for workers."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from newsreader.tui.app import NewsreaderApp


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test with asyncio.run (the project has no async pytest plugin)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def wait_loaded(pilot: Pilot, app: NewsreaderApp) -> None:
    """Until the load and index workers have reported and the reader shows the result: the
    first article in the text pane, when there is one (bounded, never hangs a test). The list
    highlights it by a message after loading, which a busy machine delivers a moment later."""

    def shown() -> bool:
        return app.loaded and (
            not app.corpus.articles or app.main_screen.text_view.article is not None
        )

    for _ in range(400):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if shown():
            await drain(app.main_screen.article_list, app.main_screen)
            return
    raise AssertionError("the corpus never finished loading")


async def drain(*widgets: Any) -> None:
    """Until each widget (in order) has handled the messages already posted to it: the list's
    Highlighted from loading reaches the screen a moment after the text pane shows the first
    article (on a busy machine, after a test had already shown another one)."""
    for widget in widgets:
        done = asyncio.Event()
        widget.call_later(done.set)  # queued behind what the widget was already sent
        await done.wait()


async def wait_until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    """Until `condition()` holds: what the user waits to see, not a fixed number of pauses."""
    for _ in range(400):
        if condition():
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.app.screen.workers.wait_for_complete()
        await pilot.pause(0.01)
    raise AssertionError(f"never happened: {what}")


def record_notifications(app: Any) -> list[tuple[str, str]]:
    """Every (message, severity) the app notifies from now on. Textual drops a notification
    when it times out, which on a busy machine can be before a test gets to read it."""
    seen: list[tuple[str, str]] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        seen.append((str(message), str(kwargs.get("severity", "information"))))
        notify(message, **kwargs)

    app.notify = recording
    return seen


async def settle(pilot: Pilot, app: NewsreaderApp) -> None:
    """Let search workers finish and their results reach the screen."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def write_article(folder: Path, name: str, title: str, paragraphs: list[str]) -> Path:
    """A plain-text article: title line, blank line, paragraphs separated by blank lines."""
    path = folder / name
    path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
    return path


def fruit_corpus(folder: Path) -> Path:
    """Three short articles about fruit, and one long one with a word far down."""
    folder.mkdir(parents=True, exist_ok=True)
    write_article(
        folder,
        "apple.txt",
        "Apple harvest starts early",
        [
            "Growers in the valley began picking apples on Monday.",
            "The apple crop is larger than last year.",
        ],
    )
    write_article(
        folder,
        "banana.txt",
        "Banana prices fall",
        ["Importers said banana prices dropped for a third month."],
    )
    write_article(
        folder,
        "cherry.txt",
        "Cherry festival returns",
        [
            "The cherry festival returns after two years.",
            "Visitors can taste cherry pie and apple cider.",
        ],
    )
    filler = [f"Paragraph {i} talks about the weather and nothing else at all." for i in range(80)]
    write_article(
        folder,
        "long.txt",
        "Weather diary for the whole season",
        [
            *filler,
            "At the very end a zeppelin appeared over the hills.",
            "Later a second zeppelin followed.",
            "A third zeppelin closed the show.",
        ],
    )
    return folder


async def wait_for(pilot: Pilot, condition: Callable[[], object], what: str, within: float) -> None:
    """Until `condition()` holds, polling what the user sees for at most `within` seconds of
    wall time (for what a thread of its own reports: the folder watcher, a fetch)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while loop.time() < deadline:
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened within {within} s: {what}")
