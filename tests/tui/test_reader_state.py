"""Read marks, stars, filters, position and recent searches: kept across runs of the reader."""

from __future__ import annotations

from pathlib import Path

from reader_helpers import fruit_corpus, settle, sync, wait_loaded

from newsreader.tui.app import make_app
from newsreader.tui.widgets.article_list import STAR, UNREAD


def glyph(app, article) -> str:
    return app.main_screen.article_list.row_text(article, 80).plain[1]


@sync
async def test_marks_filters_and_position_survive_a_restart(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "c")
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        screen = app.main_screen
        assert "4 unread" in app.sub_title
        first = screen.article_list.article
        assert glyph(app, first) == UNREAD
        await pilot.press("enter")  # opening reads it
        assert app.reading.is_read(first) and "3 unread" in app.sub_title
        await pilot.press("h", "j", "s")  # star the second
        second = screen.article_list.article
        assert app.reading.is_starred(second) and glyph(app, second) == STAR
        assert "1 starred" in app.sub_title
        await pilot.press("f")  # unread only
        assert first not in screen.article_list.rows and len(screen.article_list.rows) == 3
        await pilot.press("f")  # starred only
        assert screen.article_list.rows == [second]
        await pilot.press("f")  # all again
        assert len(screen.article_list.rows) == 4
        await pilot.press("r")  # second: read by hand
        assert app.reading.is_read(second)
        # Leave off far down the long article.
        long_one = next(a for a in app.corpus.articles if a.path.name == "long.txt")
        screen.open_article(long_one)
        await pilot.pause()
        await pilot.press("space", "space")
        await pilot.pause()
        offset = round(screen.text_view.scroll_offset.y)
        assert offset > 0
        await pilot.press("q")
        await app.workers.wait_for_complete()

    again = make_app([folder])
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, again)
        await pilot.pause()
        screen = again.main_screen
        by_name = {a.path.name: a for a in again.corpus.articles}
        assert again.reading.is_read(by_name[first.path.name])
        assert again.reading.is_starred(by_name[second.path.name])
        assert screen.text_view.article is by_name["long.txt"]
        assert screen.article_list.article is by_name["long.txt"]
        assert round(screen.text_view.scroll_offset.y) == offset


@sync
async def test_recent_searches_are_offered_and_rerun(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "c")
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await pilot.press("slash", *"cherry")
        await settle(pilot, app)
        await pilot.press("enter")  # opening a hit remembers the query
        await app.workers.wait_for_complete()
    again = make_app([folder])
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, again)
        panel = again.main_screen.search_panel
        await pilot.press("slash")
        await settle(pilot, again)
        assert panel.results.recent == ["cherry"]
        await pilot.press("down", "enter")
        await settle(pilot, again)
        assert panel.input.value == "cherry"
        assert {h.article.display_title for h in panel.results.hits} == {"Cherry festival returns"}
