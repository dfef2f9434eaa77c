"""A big library paints its newest articles first, then the whole list, without moving the
reader who started reading meanwhile."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from reader_helpers import sync, wait_loaded

import newsreader.tui.app as app_module
from newsreader.library import Library
from newsreader.tui.app import make_app


def dated_library(folder: Path, count: int) -> None:
    """`count` articles, one per day (article 0 the oldest), plus two on the newest day."""
    folder.mkdir()
    for n in range(count):
        day = f"2024-{1 + n // 28:02d}-{1 + n % 28:02d}"
        (folder / f"a{n:03d}.txt").write_text(
            f"Harbour story {n:03d}\n\nBy Jane Hollis\nHarbour News - {day}\n\n"
            f"The harbour council met for the {n}th time and said the quay would reopen.\n",
            encoding="utf-8",
        )
    with Library() as library:
        library.ensure_seeded()
        library.add_paths([folder])


def test_newest_reads_a_page_by_date_with_whole_ties(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    dated_library(folder, 40)
    (folder / "same-day.txt").write_text(
        "Another story\n\nHarbour News - 2024-02-10\n\nThe quay reopened to boats at last.\n",
        encoding="utf-8",
    )
    with Library() as library:
        library.add_paths([folder])
        page = library.newest(3)
        assert page is not None
        # 02-12, 02-11, then 02-10, the third newest day, has two articles: the page is cut
        # inside that day, so both come and the caller orders them by title.
        dates = sorted(a.date or "" for a in page)
        assert dates == ["2024-02-10", "2024-02-10", "2024-02-11", "2024-02-12"]
        assert library.newest(10_000) is None  # fewer dated articles than asked: no page


@sync
async def test_the_first_page_is_listed_before_the_rest_and_the_cursor_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dated_library(tmp_path / "news", 30)
    monkeypatch.setattr(app_module, "FIRST_PAGE", 5)
    # The whole list waits until the test lets it through: what the user sees meanwhile.
    release = threading.Event()
    whole = Library.corpus

    def slow_corpus(self: Library, *args: object, **kwargs: object) -> object:
        release.wait(10)
        return whole(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Library, "corpus", slow_corpus)
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.main_screen
        listed = screen.article_list
        # Polled with pauses only: waiting for the workers would wait for the held load.
        for _ in range(500):
            if listed.rows:
                break
            await pilot.pause(0.02)
        assert listed.rows, "the first page was never listed"
        assert [a.display_title for a in listed.rows] == [
            f"Harbour story {n:03d}" for n in (29, 28, 27, 26, 25)
        ]
        assert not app.corpus.articles  # the rest is still being read
        assert "newest 5 of" in str(screen.query_one("#list-status").render())
        assert screen.check_action("compare", ()) is None  # greyed until the whole list
        await pilot.press("down")
        for _ in range(500):
            if screen.text_view.article is listed.rows[1]:
                break
            await pilot.pause(0.02)
        assert screen.text_view.article is listed.rows[1]
        reading = listed.rows[1]
        release.set()
        await wait_loaded(pilot, app)
        assert len(listed.rows) == len(app.corpus.articles) > 30
        # the same object in the whole list: the cursor and the text pane stay on it
        assert listed.article is reading and screen.text_view.article is reading
        assert screen.check_action("compare", ()) is True


@sync
async def test_a_small_library_is_read_whole_without_a_first_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dated_library(tmp_path / "news", 3)
    pages: list[object] = []
    monkeypatch.setattr(app_module.NewsreaderApp, "on_first_page", pages.append)
    app = make_app([])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        assert not pages  # fewer dated articles than a page
        assert len(app.main_screen.article_list.rows) == len(app.corpus.articles)
