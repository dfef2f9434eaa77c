"""Snapshots of the reader at 100x30: the main screen and the search view.

A small hand-made corpus (not the seeds) keeps them about the UI; update them with
`pytest tests/tui/test_reader_snapshots.py --snapshot-update` after an intended change, and look
at the report first.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from newsreader.tui.app import NewsreaderApp, make_app

CORPUS = Path(__file__).parent / "snapshot_corpus"
SIZE = (100, 30)


async def _loaded(pilot: Pilot) -> None:
    app = pilot.app
    assert isinstance(app, NewsreaderApp)
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.loaded:
            break
    await pilot.pause()


def test_main_screen(snap_compare) -> None:
    assert snap_compare(make_app([CORPUS]), terminal_size=SIZE, run_before=_loaded)


def test_search_view(snap_compare) -> None:
    async def search(pilot: Pilot) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"harbor bridge")  # a typo: harbour
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        pilot.app.main_screen.search_panel.input.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app([CORPUS]), terminal_size=SIZE, run_before=search)


def test_narrow_main_screen(snap_compare) -> None:
    assert snap_compare(make_app([CORPUS]), terminal_size=(80, 24), run_before=_loaded)
