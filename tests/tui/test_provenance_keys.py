"""The provenance views reached from the reader's own keys (t, x, w) in the real app."""

from __future__ import annotations

from reader_helpers import sync, wait_loaded
from textual.widgets import DataTable

from newsreader.tui.app import make_app
from newsreader.tui.screens.matrix import MatrixScreen
from newsreader.tui.screens.stories import StoriesScreen
from newsreader.tui.screens.whats_new import WhatsNewScreen


async def _until(pilot, app, screen_type, tries: int = 100):
    for _ in range(tries):
        await app.workers.wait_for_complete()
        await app.screen.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app.screen, screen_type):
            return app.screen
    raise AssertionError(f"{screen_type.__name__} never opened (on {app.screen!r})")


@sync
async def test_t_opens_stories_and_escape_returns() -> None:
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        main = app.screen
        await pilot.press("t")
        stories = await _until(pilot, app, StoriesScreen)
        assert app.stories is not None and len(app.stories) == 1
        assert len(app.stories[0].members) == 5
        assert stories.is_current
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is main


@sync
async def test_x_opens_the_release_matrix_of_the_highlighted_article() -> None:
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("x")
        matrix = await _until(pilot, app, MatrixScreen)
        table = matrix.query_one(DataTable)
        assert table.row_count > 3


@sync
async def test_w_opens_whats_new() -> None:
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("w")
        await _until(pilot, app, WhatsNewScreen)
