"""The compare view through the real app (`make_app`): c opens the picker, Enter the view."""

from __future__ import annotations

from reader_helpers import sync, wait_loaded, wait_until

from newsreader.tui.app import make_app
from newsreader.tui.screens.compare import CompareScreen
from newsreader.tui.screens.compare_picker import ComparePicker


@sync
async def test_c_then_enter_opens_compare_and_escape_returns() -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        # Each step waits for what the user waits to see: the list, the ranking, the comparison.
        await wait_loaded(pilot, app)
        main = app.screen
        assert app.corpus.articles
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ComparePicker), "the picker")
        picker = app.screen
        assert isinstance(picker, ComparePicker)
        await wait_until(pilot, lambda: picker.ranked, "the picker's ranking")
        best = picker.rows[0]
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, CompareScreen), "the compare view")
        view = app.screen
        assert isinstance(view, CompareScreen)
        await wait_until(pilot, lambda: view.comparison is not None, "the comparison")
        assert view.comparison is not None and view.comparison.b is best.article
        await pilot.press("n")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is main, "the reader again")
