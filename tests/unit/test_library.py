"""The library database: incremental ingest, lazy reads, nothing lost, clear errors."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from procs import alive, children_of

from newsreader.cli import main
from newsreader.corpus import load_article
from newsreader.corpus.models import Paragraph, Sentence, pack_paragraphs, unpack_paragraphs
from newsreader.library import Library, LibraryError

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def write_articles(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(start, start + n):
        p = folder / f"a{i:05d}.txt"
        p.write_text(
            f"Headline number {i} about harbour cranes\n\n"
            f"The port of Example handled {i} containers today, officials said.\n\n"
            f"Dock workers number {i * 7} said the cranes were new.\n",
            encoding="utf-8",
        )
        out.append(p)
    return out


@pytest.fixture
def library(tmp_path: Path) -> Library:
    lib = Library(tmp_path / "lib.sqlite3")
    yield lib
    lib.close()


def test_stored_text_and_paragraphs_are_what_the_loader_made(library: Library) -> None:
    report = library.add_paths([SEEDS])
    assert (report.added, report.updated, report.unchanged) == (5, 0, 0)
    for stored in library.articles():
        fresh = load_article(Path(stored.locator))
        assert not stored.loaded  # the list costs metadata only
        assert stored.text == fresh.text
        assert stored.paragraphs == fresh.paragraphs
        assert (stored.title, stored.outlet, stored.date, stored.byline, stored.kind) == (
            fresh.title,
            fresh.outlet,
            fresh.date,
            fresh.byline,
            fresh.kind,
        )
        assert stored.display_title == fresh.display_title
        assert stored.content_hash == fresh.content_hash


def test_the_list_is_read_from_its_index_never_from_the_article_rows(library: Library) -> None:
    from newsreader.library.stored import LIST_COLUMNS

    # A column added to the list but not to the index would read every article's text pages
    # again (twice as slow at 100k): the plan must stay a covering index scan.
    sql = f"SELECT {LIST_COLUMNS} FROM article ORDER BY locator"
    plan = " ".join(r[3] for r in library.conn.execute("EXPLAIN QUERY PLAN " + sql))
    assert "COVERING INDEX" in plan, plan


def test_stored_paths_are_made_when_asked(library: Library) -> None:
    library.add_paths([SEEDS])
    for stored in library.articles():
        assert stored.path == Path(stored.locator)
        stored.path = Path("elsewhere.txt")
        assert stored.path == Path("elsewhere.txt")


def test_only_changed_files_are_read_again(library: Library, tmp_path: Path) -> None:
    files = write_articles(tmp_path / "news", 6)
    first = library.add_paths([tmp_path / "news"])
    assert first.added == 6
    again = library.add_paths([tmp_path / "news"])
    assert (again.added, again.updated, again.unchanged) == (0, 0, 6)
    assert not again.changed_ids

    files[0].write_text("A different story entirely\n\nNothing about cranes here at all.\n")
    os.utime(files[1], ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, same text
    third = library.add_paths([tmp_path / "news"])
    assert (third.added, third.updated, third.unchanged) == (0, 1, 5)
    changed = library.article(third.changed_ids[0])
    assert changed is not None and changed.text.startswith("A different story")


def test_a_vanished_file_is_kept_and_marked_missing(library: Library, tmp_path: Path) -> None:
    files = write_articles(tmp_path / "news", 4)
    library.add_paths([tmp_path / "news"])
    saved = files[2].read_text()
    files[2].unlink()
    report = library.add_paths([tmp_path / "news"])
    assert report.missing == 1
    gone = [a for a in library.articles() if a.missing]
    assert [Path(a.locator).name for a in gone] == [files[2].name]
    assert gone[0].text == saved  # still readable
    files[2].write_text(saved)
    library.add_paths([tmp_path / "news"])
    assert not any(a.missing for a in library.articles())


def test_remove_forgets_a_source_and_its_search_entries(library: Library, tmp_path: Path) -> None:
    write_articles(tmp_path / "news", 3)
    library.add_paths([tmp_path / "news", SEEDS])
    assert library.count() == 8
    source, count = library.remove(str(tmp_path / "news"))
    assert count == 3 and source.kind == "folder"
    assert library.count() == 5
    assert not library.search("harbour cranes")
    with pytest.raises(KeyError, match="no source"):
        library.remove(str(tmp_path / "news"))


def test_changes_by_another_process_are_told_to_a_reader(library: Library, tmp_path: Path) -> None:
    files = write_articles(tmp_path / "news", 4)
    write_articles(tmp_path / "other", 2, start=10)
    library.add_paths([tmp_path / "news", tmp_path / "other"])
    mark = library.change_mark()
    assert library.changes_since(mark) == (mark, [], [])
    by_name = {Path(a.locator).name: a.article_id for a in library.articles()}
    with Library(library.path) as other:  # `newsreader add` / `remove` in another terminal
        files[0].write_text("A different story entirely\n\nNothing about cranes here.\n")
        os.utime(files[1], ns=(time.time_ns(), time.time_ns() + 10**9))  # touched, same text
        files[2].unlink()
        write_articles(tmp_path / "news", 1, start=20)
        other.add_paths([tmp_path / "news"])
        other.remove(str(tmp_path / "other"))
    found = library.changes_since(mark)
    assert found is not None
    new_mark, rows, removed = found
    assert new_mark > mark
    changed = {Path(a.locator).name: a for a in rows}
    # The edited one, the vanished one (marked missing), the new one; not the touched one.
    assert set(changed) == {files[0].name, files[2].name, "a00020.txt"}
    assert changed[files[2].name].missing
    assert changed[files[0].name].text.startswith("A different story")
    assert sorted(removed) == sorted([by_name["a00010.txt"], by_name["a00011.txt"]])
    assert library.changes_since(new_mark) == (new_mark, [], [])
    # A reader further behind than the log reaches reloads its list instead.
    from newsreader.library import db

    db.prune_changes(library.conn, keep=1)
    assert library.changes_since(mark) is None
    assert library.changes_since(library.change_mark()) is not None


def test_a_busy_change_log_never_fails_the_write_it_follows(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsreader.library import db

    def locked(conn: sqlite3.Connection, keep: int = 0) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(db, "prune_changes", locked)
    write_articles(tmp_path / "news", 2)
    assert library.add_paths([tmp_path / "news"]).added == 2


def test_a_damaged_library_is_moved_aside_with_a_message(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    path.write_bytes(b"this is not a database, just some text " * 200)
    lib = Library(path)
    try:
        assert lib.count() == 0
        assert len(lib.warnings) == 1 and "moved it to" in lib.warnings[0]
        aside = list(tmp_path.glob("lib.sqlite3.corrupt-*"))
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    finally:
        lib.close()


def test_an_unusable_data_folder_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(LibraryError, match="cannot create the library folder"):
        Library(blocker / "sub" / "lib.sqlite3")


def test_cli_reports_an_unusable_library_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEWSREADER_HOME", str(blocker))
    assert main(["list"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("newsreader: error: cannot create the library folder")
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_newer_schema_is_refused_not_damaged(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(LibraryError, match="newer newsreader"):
        Library(path)
    assert path.exists()


@given(
    st.lists(
        st.tuples(
            st.integers(0, 10**6),
            st.integers(0, 10**6),
            st.booleans(),
            st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=5),
        ),
        max_size=20,
    )
)
def test_paragraphs_pack_and_unpack_unchanged(raw: list) -> None:
    paragraphs = [
        Paragraph(s, e, b, tuple(Sentence(a, z) for a, z in sents)) for s, e, b, sents in raw
    ]
    assert unpack_paragraphs(pack_paragraphs(paragraphs)) == paragraphs


_INGEST = """
import sys
from newsreader.library import Library
lib = Library()
print("ready", flush=True)
lib.add_paths([sys.argv[1]])
"""


def test_kill_9_during_ingest_keeps_what_was_committed_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 1500)
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home"), "NEWSREADER_WORKERS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _INGEST, str(folder)], env=env, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    db = tmp_path / "home" / "data" / "library.sqlite3"
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and committed == 0:
        time.sleep(0.05)
        with sqlite3.connect(db) as probe:
            committed = probe.execute("SELECT count(*) FROM article").fetchone()[0]
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 0 < committed < 1500, "the kill must land mid-ingest"

    os.environ["NEWSREADER_HOME"] = env["NEWSREADER_HOME"]
    lib = Library()
    try:
        assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = lib.count()
        assert kept >= committed and kept % 200 == 0  # whole batches only
        report = lib.add_paths([folder])
        assert report.added == 1500 - kept and report.unchanged == kept
        assert lib.count() == 1500
        assert len(lib.search("containers")) > 0
    finally:
        lib.close()


def test_ctrl_c_during_add_stops_between_files_and_says_what_was_kept(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 1500)
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home"), "NEWSREADER_WORKERS": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsreader", "add", str(folder)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    db = tmp_path / "home" / "data" / "library.sqlite3"
    deadline = time.monotonic() + 60
    committed = 0
    while time.monotonic() < deadline and committed == 0:
        time.sleep(0.05)
        if db.exists():
            with contextlib.suppress(sqlite3.OperationalError), sqlite3.connect(db) as probe:
                committed = probe.execute("SELECT count(*) FROM article").fetchone()[0]
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err
    assert b"stopped:" in err and b"kept" in err
    os.environ["NEWSREADER_HOME"] = env["NEWSREADER_HOME"]
    lib = Library()
    try:
        kept = lib.count()
        assert 0 < kept < 1500, "the Ctrl-C must land mid-ingest"
        assert lib.add_paths([folder]).added == 1500 - kept
    finally:
        lib.close()


_PARSE = """
import sys
from pathlib import Path
from newsreader.store.parse_pool import parse_many
for i, _, _ in parse_many(sorted(Path(sys.argv[1]).iterdir())):
    if i == 0:
        print("parsing", flush=True)
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_parse_workers_exit_when_their_parent_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 2500)  # past PARALLEL_MIN: parsed in worker processes
    env = {**os.environ, "NEWSREADER_WORKERS": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _PARSE, str(folder)], env=env, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"parsing"
    workers = children_of(proc.pid, b"spawn_main")
    assert workers, "the parse ran in worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(alive(w) for w in workers):
        time.sleep(0.1)
    assert not any(alive(w) for w in workers), "workers outlived their killed parent"


def test_a_reader_works_while_another_process_ingests(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    write_articles(folder, 1200)
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home"), "NEWSREADER_WORKERS": "1"}
    os.environ["NEWSREADER_HOME"] = env["NEWSREADER_HOME"]
    reader = Library()
    reader.add_paths([SEEDS])
    proc = subprocess.Popen([sys.executable, "-c", _INGEST, str(folder)], env=env)
    try:
        seen = 0
        for _ in range(40):
            seen = max(seen, len(reader.articles()))
            assert reader.search("Tencent")
            time.sleep(0.02)
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert reader.count() == 1205
    reader.close()


def test_cli_add_show_sources_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_articles(tmp_path / "news", 2)
    assert main(["add", str(tmp_path / "news"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["added"] == 2
    assert main(["sources", "--json"]) == 0
    sources = json.loads(capsys.readouterr().out)["sources"]
    assert [s["articles"] for s in sources] == [2]
    target = tmp_path / "news" / "a00001.txt"
    assert main(["show", str(target), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["text"] == target.read_text()
    assert shown["title"] == "Headline number 1 about harbour cranes"
    assert main(["show", str(shown["id"])]) == 0
    assert capsys.readouterr().out == target.read_text()
    assert main(["remove", str(tmp_path / "news")]) == 0
    assert "2 articles" in capsys.readouterr().out
    assert main(["show", "nope-nothing"]) == 2
    assert "no article" in capsys.readouterr().err


def test_show_piped_prints_the_exact_text_offsets_point_into(tmp_path: Path) -> None:
    evil = tmp_path / "evil.txt"
    evil.write_text("Title here\n\nBody with \x1b]8;;http://x\x07link and \x1b[31mred\x1b[0m.\n")
    env = {**os.environ, "NEWSREADER_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-m", "newsreader", "show", str(evil)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == evil.read_text()  # piped: the exact text offsets point into


def test_a_full_disk_mid_ingest_is_one_message_and_keeps_what_was_written(
    tmp_path: Path,
) -> None:
    write_articles(tmp_path / "first", 3)
    write_articles(tmp_path / "big", 600, start=100)
    lib = Library(tmp_path / "lib.sqlite3")
    try:
        lib.add_paths([tmp_path / "first"])
        pages = lib.conn.execute("PRAGMA page_count").fetchone()[0]
        lib.conn.execute(f"PRAGMA max_page_count = {pages + 40}")  # SQLITE_FULL soon
        with pytest.raises(LibraryError, match="disk full"):
            lib.add_paths([tmp_path / "big"])
        assert lib.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        kept = {Path(a.locator).parent.name for a in lib.articles()}
        assert "first" in kept and len(lib.search("harbour cranes")) >= 3
    finally:
        lib.close()


def test_a_read_only_library_is_still_read(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library(path) as lib:
        lib.add_paths([SEEDS])
    from newsreader.library import db

    def refuse(*args, **kwargs):
        raise LibraryError("cannot write the library (attempt to write a readonly database)")

    monkeypatch.setattr(db, "open_library", refuse)
    lib = Library(path)
    try:
        assert lib.read_only and "read-only" in lib.warnings[0]
        assert lib.count() == 5 and lib.search("Tencent")
        with pytest.raises(LibraryError, match="read-only"):
            lib.add_paths([tmp_path])
    finally:
        lib.close()


def test_a_line_repeated_across_a_folder_is_stored_as_boilerplate(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "site"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.txt").write_text(
            f"Story {i} about the harbour\n\nThe harbour handled {i} ships today.\n\n"
            "Sign up for our weekly digest\n",
            encoding="utf-8",
        )
    library.add_paths([folder])
    for stored in library.articles():
        last = stored.paragraphs[-1]
        assert stored.text[last.start : last.end] == "Sign up for our weekly digest"
        assert last.boilerplate
        assert not stored.paragraphs[1].boilerplate


def test_a_refresh_cancelled_before_it_writes_marks_nothing_missing(tmp_path: Path) -> None:
    """The reader quitting cancels its refresh: it stops before the write lock and the stat
    pass, and a file it never looked at is not taken for gone."""
    folder = tmp_path / "news"
    write_articles(folder, 3)
    with Library() as library:
        library.add_paths([folder])
        first = sorted(folder.iterdir())[0]
        first.unlink()
        cancel = threading.Event()
        cancel.set()
        # Another instance is writing: a cancelled refresh does not even wait for the lock.
        other = sqlite3.connect(library.path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            report = library.refresh(cancel=cancel)
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert report.cancelled
        assert not any(a.missing for a in library.articles())
        report = library.refresh()
        assert [Path(a.locator).name for a in library.articles() if a.missing] == [first.name]
