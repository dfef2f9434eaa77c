"""Time to first screen: newsreader on the seeds vs a bare Textual hello-world, measured alike.

    python benchmarks/paint.py hello|app|list|full [PATH ...]

`list` waits further, until the reader's list shows articles (a big library shows its newest
first, while the rest is read); `full` until every article is listed and search is ready.
Prints seconds from the script's first line (before importing textual or newsreader) until the
app is running headless (`App.run_test()`), has mounted and has rendered its first frame, on
the last line; the line before it gives the process's CPU seconds at that moment (readable on
a busy machine). Each run is a fresh process so import costs count, as they do for a user.

An installed newsreader has its bytecode compiled by pip, like Textual's; an editable checkout
run with PYTHONDONTWRITEBYTECODE=1 would compile every module on every run instead. Callers
run `python benchmarks/paint.py compile` first, which compiles the package once.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import asyncio  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from textual.app import App


_cpu_at_paint = 0.0


def _mark_cpu() -> None:
    global _cpu_at_paint
    _cpu_at_paint = time.process_time()


def hello_app() -> App:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Hello(App):
        def compose(self) -> ComposeResult:
            yield Static("Hello, world")

    return Hello()


def newsreader_app(paths: list[str]) -> App:
    from newsreader.tui.app import make_app

    return make_app(paths)


async def painted_when(app: App, ready: Callable[[], bool]) -> float:
    """Seconds until `ready()` holds and the next frame is drawn."""
    async with app.run_test(size=(120, 40)) as pilot:
        while not ready():
            await asyncio.sleep(0.002)
        painted = asyncio.Event()
        app.call_after_refresh(painted.set)
        await painted.wait()
        elapsed = time.perf_counter() - T0
        _mark_cpu()
        await pilot.pause()
    return elapsed


async def list_paint(app: App) -> float:
    """Until the list shows articles (a big library's newest first: the rest is still read)."""
    return await painted_when(app, lambda: _listed(app))


def _listed(app: App) -> bool:
    try:
        return bool(app.screen.query_one("#articles").rows)  # type: ignore[attr-defined]
    except Exception:
        return False


async def full_paint(app: App) -> float:
    """Until every article is listed and search is ready."""
    return await painted_when(
        app,
        lambda: bool(getattr(app, "loaded", False) and app.corpus.articles),  # type: ignore[attr-defined]
    )


async def first_paint(app: App) -> float:
    painted = asyncio.Event()
    async with app.run_test(size=(120, 40)) as pilot:
        # The callback runs after the next screen refresh, i.e. once the first frame is drawn.
        app.call_after_refresh(painted.set)
        await painted.wait()
        elapsed = time.perf_counter() - T0
        _mark_cpu()
        await pilot.pause()
    return elapsed


def compile_package() -> None:
    import compileall
    from pathlib import Path

    import newsreader

    compileall.compile_dir(Path(newsreader.__file__).parent, quiet=1)


def main() -> None:
    mode, paths = sys.argv[1], sys.argv[2:]
    if mode == "compile":
        compile_package()
        return
    app = hello_app() if mode == "hello" else newsreader_app(paths)
    measure = {"list": list_paint, "full": full_paint}.get(mode, first_paint)
    wall = asyncio.run(measure(app))
    print(f"cpu {_cpu_at_paint:.4f}")
    print(f"{wall:.4f}")


if __name__ == "__main__":
    main()
