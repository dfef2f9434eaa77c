"""Watched folders, below the reader: which paths count, and ingesting only those files."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newsreader.library import Library
from newsreader.library.watch import Root, is_article_path, roots_for, watch_changes


def _write(path: Path, title: str, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return path


def test_article_paths_are_known_suffixes_not_hidden_and_under_a_root(tmp_path: Path) -> None:
    roots = [
        Root(tmp_path / "news"),
        Root(tmp_path / "misc", frozenset({str(tmp_path / "misc/a.md")})),
    ]
    assert is_article_path(tmp_path / "news/x.txt", roots)
    assert is_article_path(tmp_path / "news/sub/x.HTML", roots)
    assert not is_article_path(tmp_path / "news/x.txt.swp", roots)
    assert not is_article_path(tmp_path / "news/.x.txt", roots)  # editor temp files
    assert not is_article_path(tmp_path / "news/.git/x.txt", roots)
    assert not is_article_path(tmp_path / "elsewhere/x.txt", roots)
    assert is_article_path(tmp_path / "misc/a.md", roots)
    assert not is_article_path(tmp_path / "misc/b.md", roots)  # a file source: just that file


def test_roots_leave_nested_folders_to_the_outer_one(tmp_path: Path) -> None:
    roots = roots_for(
        [tmp_path / "a/b", tmp_path / "a"], [tmp_path / "a/c.txt", tmp_path / "f.txt"]
    )
    assert roots == [Root(tmp_path / "a"), Root(tmp_path, frozenset({str(tmp_path / "f.txt")}))]


def test_update_files_reads_only_the_given_files_under_their_source(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    _write(folder / "a.txt", "Alpha", "First article.")
    _write(folder / "b.txt", "Beta", "Second article.")
    with Library(tmp_path / "lib.sqlite3") as lib:
        lib.add_paths([folder])
        (source,) = lib.sources()
        # c is new, a changed, b deleted; d changed on disk but was not named: left alone.
        _write(folder / "c.txt", "Gamma", "Third article.")
        _write(folder / "a.txt", "Alpha two", "First article, changed.")
        (folder / "b.txt").unlink()
        _write(folder / "d.txt", "Delta", "Not named.")
        report = lib.update_files([folder / "c.txt", folder / "a.txt", folder / "b.txt"])
        assert (report.added, report.updated, report.newly_missing) == (1, 1, 1)
        assert len(lib.sources()) == 1  # no source per file
        rows = {a.display_title: a for a in lib.articles()}
        assert set(rows) == {"Alpha two", "Beta", "Gamma"}
        assert rows["Beta"].missing and not rows["Gamma"].missing
        assert all(a.source_id == source.id for a in rows.values())
        assert [a.display_title for a in lib.articles(report.gone_ids)] == ["Beta"]
        # Outside every source: ignored, nothing added.
        _write(tmp_path / "stray.txt", "Stray", "Elsewhere.")
        assert lib.update_files([tmp_path / "stray.txt"]).article_ids == []


@contextlib.contextmanager
def watching(folder: Path, on_batch: Callable[[list[str]], None], **kwargs: Any) -> Iterator[None]:
    """`watch_changes` on `folder` in a thread while inside; stopped (and checked stopped)
    after."""
    stop = threading.Event()
    thread = threading.Thread(
        target=watch_changes, args=(roots_for([folder]), on_batch), kwargs={"stop": stop, **kwargs}
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
    assert not thread.is_alive()


def until(condition: Callable[[], object]) -> None:
    for _ in range(200):
        if condition():
            return
        time.sleep(0.05)


def test_watch_changes_coalesces_a_burst_and_stops(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    batches: list[list[str]] = []
    with watching(folder, batches.append):
        time.sleep(0.3)  # the watch is set up after the thread starts
        tmp = _write(folder / ".x.txt.tmp", "X", "Body.")
        _write(folder / "x.txt", "X", "Old.")
        tmp.replace(folder / "x.txt")
        until(lambda: batches)
    assert batches and batches[0] == [str(folder / "x.txt")]


def test_a_library_in_trouble_is_told_once_and_the_watch_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.library import watch

    monkeypatch.setattr(watch, "RECHECK_MS", 50)
    folder = tmp_path / "news"
    folder.mkdir()
    told: list[str] = []
    ticks: list[int] = []

    def locked() -> None:  # every look at the library fails the same way
        ticks.append(1)
        raise RuntimeError("database is locked")

    with watching(folder, lambda paths: None, on_error=told.append, on_tick=locked):
        until(lambda: len(ticks) >= 5)
    assert len(ticks) >= 5  # it kept looking
    assert told == ["watching the library: RuntimeError: database is locked"]
