"""Pilot tests of watched folders: a file saved into a folder on show appears in the list."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import reader_helpers
from reader_helpers import fruit_corpus, sync, wait_loaded, write_article
from textual.pilot import Pilot

from newsreader.library import Library, watch
from newsreader.tui.app import NewsreaderApp, make_app

WAIT_S = 10.0  # generous bound for a loaded machine; the target is 2 s (measured separately)


async def wait_for(pilot: Pilot, condition: object, what: str) -> None:
    await reader_helpers.wait_for(pilot, condition, what, WAIT_S)  # type: ignore[arg-type]


def titles(app: NewsreaderApp) -> set[str]:
    return {a.display_title for a in app.main_screen.article_list.rows}


@sync
async def test_a_file_saved_into_a_watched_folder_appears_in_the_list(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "c")
    app = make_app([folder])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_for(pilot, lambda: app._watcher is not None, "the watcher started")
        await asyncio.sleep(0.3)  # the watch is set up just after the thread starts
        old_rows = list(app.main_screen.article_list.rows)
        before = len(old_rows)
        # An editor's save: written to a temporary name, then renamed over the article.
        tmp = write_article(folder, ".damson.txt.tmp", "Damson jam wins prize", ["Jam news."])
        os.replace(tmp, folder / "damson.txt")
        await wait_for(pilot, lambda: "Damson jam wins prize" in titles(app), "the new row")
        assert len(app.main_screen.article_list.rows) == before + 1
        # Only the new article was read: the others keep their objects (cursor, marks stay).
        rows = app.main_screen.article_list.rows
        assert all(any(a is b for b in rows) for a in old_rows)
        assert f"{before + 1} articles" in app.sub_title

        # Changed on disk: the row's title follows.
        write_article(folder, "damson.txt", "Damson jam prize withdrawn", ["Jam news."])
        await wait_for(pilot, lambda: "Damson jam prize withdrawn" in titles(app), "the update")
        assert "Damson jam wins prize" not in titles(app)

        # Deleted: the row stays, marked missing.
        (folder / "banana.txt").unlink()
        await wait_for(
            pilot,
            lambda: any(
                getattr(a, "missing", False) and a.display_title == "Banana prices fall"
                for a in app.main_screen.article_list.rows
            ),
            "banana marked missing",
        )
        watcher = app._watcher
        assert watcher is not None and watcher.is_alive()
    watcher.join(timeout=5)
    assert not watcher.is_alive(), "the watcher outlived the reader"


@sync
async def test_a_watched_folder_that_disappears_does_not_crash_the_reader(tmp_path: Path) -> None:
    folder = fruit_corpus(tmp_path / "c")
    other = tmp_path / "other"
    other.mkdir()
    write_article(other, "plum.txt", "Plum season", ["Plums."])
    app = make_app([folder, other])
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_for(pilot, lambda: app._watcher is not None, "the watcher started")
        await asyncio.sleep(0.3)
        for child in folder.iterdir():
            child.unlink()
        folder.rmdir()
        write_article(other, "quince.txt", "Quince paste", ["Quinces."])
        await wait_for(pilot, lambda: "Quince paste" in titles(app), "a row from the other folder")
        assert app._watcher is not None and app._watcher.is_alive()
        await pilot.press("q")
    assert app._watcher is not None and not app._watcher.is_alive()


@sync
async def test_an_arrival_that_copies_a_release_shows_a_churn_badge(tmp_path: Path) -> None:
    from churn_texts import COVERAGE, RELEASE, UNRELATED

    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "release.txt").write_text(RELEASE, encoding="utf-8")
    (folder / "library.txt").write_text(UNRELATED, encoding="utf-8")
    app = make_app([folder])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_for(pilot, lambda: app._watcher is not None, "the watcher started")
        await asyncio.sleep(0.3)
        (folder / "coverage.txt").write_text(COVERAGE, encoding="utf-8")
        await wait_for(pilot, lambda: len(app.main_screen.article_list.rows) == 3, "the new row")
        article_list = app.main_screen.article_list
        lines = {a.display_title: article_list.detail_text(a, 140).plain for a in article_list.rows}
        badge = lines["Tide turns for Northport as power plant opens"]
        # The release's outlet, then the article's own metadata still on the line.
        assert "% from PR Newswire · Jo Reyes" in badge
        assert "% from" not in lines["Library extends weekend opening hours"]
        assert not any("% from" in line for t, line in lines.items() if "Harbour" in t)


@sync
async def test_badges_show_at_start_for_what_the_library_matched(seeds_dir: Path) -> None:
    app = make_app([seeds_dir])
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, app)
        article_list = app.main_screen.article_list
        badged = {
            Path(a.path).name[:3]
            for a in article_list.rows
            if "% from PR Newswire" in article_list.detail_text(a, 140).plain
        }
        # The news reports that retell the PR Newswire release (001); not the release itself.
        assert badged == {"000", "002", "003"}


@sync
async def test_articles_another_process_stores_join_the_library_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(watch, "RECHECK_MS", 200)
    app = make_app([])  # the whole library (the seeds, added on first run)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(pilot, app)
        await wait_for(pilot, lambda: app._watcher is not None, "the watcher started")
        before = len(app.main_screen.article_list.rows)
        # `newsreader add FOLDER` in another terminal while the reader runs.
        folder = fruit_corpus(tmp_path / "added")
        with Library() as other:
            other.add_paths([folder])
        await wait_for(pilot, lambda: "Banana prices fall" in titles(app), "the added folder")
        assert len(app.main_screen.article_list.rows) == before + 4
        # That folder is watched from then on: a file saved into it appears too.
        await asyncio.sleep(0.6)  # (the watch restarts on its next look at the folders)
        write_article(folder, "damson.txt", "Damson jam wins prize", ["Jam news."])
        await wait_for(pilot, lambda: "Damson jam wins prize" in titles(app), "the saved file")
        assert len(app.main_screen.article_list.rows) == before + 5
        # `newsreader remove FOLDER` in another terminal: its rows leave the list.
        with Library() as other:
            other.remove(str(folder))
        await wait_for(pilot, lambda: "Banana prices fall" not in titles(app), "the removal")
        assert len(app.main_screen.article_list.rows) == before
        await pilot.press("slash")
        await pilot.press(*"banana")
        await pilot.pause(0.5)
        assert "Banana prices fall" not in titles(app)  # nor found by search


def test_the_change_mark_is_taken_before_the_list_is_read(tmp_path: Path) -> None:
    # What another process does while the list is being read is still told to the reader.
    from newsreader.tui.app import LibrarySearch, read_corpus_and_index

    folder = fruit_corpus(tmp_path / "fruit")
    with Library() as lib:
        lib.add_paths([folder])

    def meanwhile(corpus: object) -> None:
        with Library() as other:
            other.remove(str(folder))

    _, index = read_corpus_and_index([], on_corpus=meanwhile)
    assert isinstance(index, LibrarySearch)
    found = index.library.changes_since(index.change_mark)
    assert found is not None and len(found[2]) == 4  # the four fruit articles, removed
