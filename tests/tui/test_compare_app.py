"""The compare view through the real app (`make_app`): c opens the picker, Enter the view."""

from __future__ import annotations

import asyncio

from newsreader.tui.app import make_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.compare_picker import ComparePicker


def test_c_then_enter_opens_compare_and_escape_returns() -> None:
    async def run() -> None:
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            main = app.screen
            assert app.corpus.articles
            await pilot.press("c")
            await pilot.pause()
            picker = app.screen
            assert isinstance(picker, ComparePicker)
            await picker.workers.wait_for_complete()
            await pilot.pause()
            best = picker.rows[0]
            await pilot.press("enter")
            await pilot.pause()
            view = app.screen
            assert isinstance(view, CompareScreen)
            await view.workers.wait_for_complete()
            await pilot.pause()
            assert view.comparison is not None and view.comparison.b is best.article
            await pilot.press("n")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is main

    asyncio.run(run())
