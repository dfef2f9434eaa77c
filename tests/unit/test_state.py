"""StateStore: the API, persistence across reopen, migrations, content-hash keys."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from newsreader import paths
from newsreader.corpus.models import Article
from newsreader.store.state import (
    MAX_SEARCHES,
    MIGRATIONS,
    STATE_FILENAME,
    Counts,
    Position,
    StateStore,
    classify_error,
    corpus_key,
    migrate,
)


@pytest.fixture
def store() -> StateStore:
    s = StateStore()
    yield s
    s.close()


def test_default_path_is_in_the_data_dir(store: StateStore) -> None:
    assert store.path == paths.data_dir() / STATE_FILENAME
    assert store.path.is_file()
    assert store.persistent and store.warnings == []


def test_wal_mode_and_schema_version(store: StateStore) -> None:
    conn = sqlite3.connect(store.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def test_read_marks(store: StateStore) -> None:
    assert not store.is_read("h1")
    assert store.set_read("h1") is True
    assert store.is_read("h1")
    store.set_read("h1")  # idempotent
    assert store.read_hashes() == {"h1"}
    store.set_read("h1", False)
    assert not store.is_read("h1") and store.read_hashes() == set()
    assert store.toggle_read("h2") is True
    assert store.toggle_read("h2") is False
    assert store.read_hashes() == set()


def test_stars_are_independent_of_read(store: StateStore) -> None:
    assert store.toggle_star("h1") is True
    assert store.is_starred("h1") and not store.is_read("h1")
    store.set_read("h2")
    assert store.starred_hashes() == {"h1"}
    assert store.read_hashes() == {"h2"}
    assert store.toggle_star("h1") is False
    assert store.starred_hashes() == set()


def test_position_per_corpus(store: StateStore) -> None:
    assert store.last_position("k1") is None
    store.save_position("k1", "h1", 40)
    store.save_position("k2", "h9", 3)
    store.save_position("k1", "h2", 7)  # replaces
    assert store.last_position("k1") == Position("h2", 7)
    assert store.last_position("k2") == Position("h9", 3)


def test_last_corpus(store: StateStore) -> None:
    assert store.last_corpus() is None
    store.set_last_corpus([Path("/news/a"), "/news/b"])
    assert store.last_corpus() == ["/news/a", "/news/b"]


def test_recent_searches_dedup_newest_first_capped(store: StateStore) -> None:
    for q in ("vaccine", "budget", "  vaccine  ", "", "   "):
        store.add_search(q)
    assert store.recent_searches() == ["vaccine", "budget"]
    for i in range(MAX_SEARCHES + 10):
        store.add_search(f"q{i}")
    recent = store.recent_searches(limit=1000)
    assert len(recent) == MAX_SEARCHES
    assert recent[0] == f"q{MAX_SEARCHES + 9}"
    assert store.recent_searches(limit=3) == [f"q{MAX_SEARCHES + 9 - i}" for i in range(3)]


def test_everything_survives_reopen() -> None:
    with StateStore() as s:
        s.set_read("r")
        s.toggle_star("s")
        s.save_position("k", "r", 12)
        s.add_search("one")
        s.add_search("two")
        s.set_last_corpus(["/x"])
    with StateStore() as s:
        assert s.read_hashes() == {"r"}
        assert s.starred_hashes() == {"s"}
        assert s.last_position("k") == Position("r", 12)
        assert s.recent_searches() == ["two", "one"]
        assert s.last_corpus() == ["/x"]
        assert s.warnings == []


def test_moved_file_keeps_its_read_mark(store: StateStore, tmp_path: Path) -> None:
    text = "Council approves budget\n\nThe council voted on Tuesday."
    before = Article(path=tmp_path / "a" / "story.txt", text=text)
    after = Article(path=tmp_path / "elsewhere" / "renamed.txt", text=text)
    edited = Article(path=before.path, text=text + " Updated.")
    store.set_read(before.content_hash)
    assert store.is_read(after.content_hash)
    assert not store.is_read(edited.content_hash)


def test_corpus_key_ignores_order_and_spelling(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    k1 = corpus_key([tmp_path / "a", tmp_path / "b"])
    k2 = corpus_key([str(tmp_path / "b"), tmp_path / "a" / ".." / "a"])
    assert k1 == k2
    assert k1 != corpus_key([tmp_path / "a"])


def test_migrate_from_an_older_version_keeps_data(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn) == len(MIGRATIONS)
    conn.execute("INSERT INTO read_marks (hash, at) VALUES ('old', 0)")
    conn.close()
    # A later release appends a step; opening runs only that step.
    extra = (*MIGRATIONS, ("CREATE TABLE notes (hash TEXT PRIMARY KEY, body TEXT)",))
    monkeypatch.setattr("newsreader.store.state.MIGRATIONS", extra)
    with StateStore(path) as s:
        assert s.read_hashes() == {"old"}
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(extra)
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 0
    conn.close()


def test_a_newer_schema_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    with StateStore(path) as s:
        s.set_read("x")
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.commit()
    conn.close()
    with StateStore(path) as s:
        assert s.read_hashes() == {"x"} and s.warnings == []


def test_writes_from_threads(store: StateStore) -> None:
    def work(n: int) -> None:
        for i in range(50):
            store.set_read(f"t{n}-{i}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.read_hashes()) == 200


def test_closed_store_is_harmless() -> None:
    s = StateStore()
    s.close()
    s.close()
    assert s.is_read("x") is False
    assert s.set_read("x") is False
    assert s.recent_searches() == []


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("file is not a database", "corrupt"),
        ("database disk image is malformed", "corrupt"),
        ("database is locked", "busy"),
        ("database or disk is full", "unwritable"),
        ("attempt to write a readonly database", "unwritable"),
        ("unable to open database file", "unwritable"),
        ("no such table: x", "other"),
    ],
)
def test_classify_error_by_message(message: str, kind: str) -> None:
    assert classify_error(sqlite3.OperationalError(message)) == kind


def test_pop_warnings_returns_each_new_problem_once(tmp_path: Path) -> None:
    s = StateStore(tmp_path / "state.sqlite3", busy_timeout_ms=20)
    assert s.pop_warnings() == []
    blocker = sqlite3.connect(s.path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    s.set_read("a")
    s.set_read("b")
    first = s.pop_warnings()
    assert len(first) == 1 and "busy" in first[0]
    assert s.pop_warnings() == []
    s.set_read("c")  # the same problem again is news again
    assert s.pop_warnings() == first
    assert s.warnings == first  # the history keeps each problem once
    blocker.execute("ROLLBACK")
    blocker.close()
    s.close()


def test_counts_for_the_header(store: StateStore) -> None:
    store.set_read("a")
    store.set_read("gone")  # marks of articles not in this corpus do not count
    store.toggle_star("b")
    store.toggle_star("a")
    assert store.counts(["a", "b", "c", "c"]) == Counts(total=3, unread=2, starred=2)
    assert store.counts([]) == Counts(0, 0, 0)
