"""Robustness matrix, state and config rows: bad state never crashes, loses nothing it can keep.

One test per row of docs/ROBUSTNESS.md (plus a few variants). Read-only cases are simulated
without chmod where possible, so they also run as root (root ignores file modes).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from newsreader import paths
from newsreader.cli import main
from newsreader.config import Config, config_path, load_config
from newsreader.store import state as state_mod
from newsreader.store.state import STATE_FILENAME, StateStore

ROOT = os.name == "posix" and os.geteuid() == 0


def db_path() -> Path:
    return paths.data_dir() / STATE_FILENAME


def fill(store: StateStore, n: int, prefix: str = "h") -> set[str]:
    hashes = {f"{prefix}{i}" for i in range(n)}
    for h in hashes:
        assert store.set_read(h)
    return hashes


# -- corrupt SQLite file -------------------------------------------------------------------------


def test_corrupt_sqlite_file_is_moved_aside_and_replaced() -> None:
    path = db_path()
    path.parent.mkdir(parents=True)
    garbage = b"this is not a database\x00\xff" * 100
    path.write_bytes(garbage)
    with StateStore() as s:
        assert s.persistent
        assert len(s.warnings) == 1 and "corrupt" in s.warnings[0]
        assert s.set_read("new")
    aside = list(path.parent.glob(f"{STATE_FILENAME}.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes() == garbage  # kept for the user
    assert aside[0].name in s.warnings[0]
    with StateStore() as s:  # the fresh file really persists
        assert s.read_hashes() == {"new"} and s.warnings == []


def test_damaged_pages_inside_a_real_database_are_detected() -> None:
    with StateStore() as s:
        fill(s, 2000)
    path = db_path()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192
    data[4096:8192] = b"\xa5" * 4096  # smash page 2, keep the header valid
    path.write_bytes(bytes(data))
    with StateStore() as s:
        assert any("corrupt" in w for w in s.warnings), s.warnings
        assert s.set_read("after") and s.is_read("after")


# -- locked database ----------------------------------------------------------------------------

HOLD_LOCK = textwrap.dedent(
    """
    import sqlite3, sys
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO read_marks (hash, at) VALUES ('holder', 0)")
    print("locked", flush=True)
    sys.stdin.read()  # hold the write lock until the test closes our stdin
    conn.execute("COMMIT")
    """
)


def test_locked_database_drops_the_write_with_a_warning() -> None:
    with StateStore(busy_timeout_ms=100) as s:
        s.set_read("before")
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, str(s.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout.readline().strip() == "locked"
            assert s.set_read("during") is False  # dropped, no exception
            assert any("busy" in w for w in s.warnings)
            assert s.is_read("before")  # reads still work under WAL
            assert s.persistent  # a lock is temporary: stay on disk
        finally:
            holder.stdin.close()
            assert holder.wait(timeout=30) == 0
        assert s.set_read("after") is True
        assert s.read_hashes() == {"before", "after", "holder"}


def test_opening_a_new_database_while_locked_falls_back_to_memory(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite3"
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("PRAGMA journal_mode = WAL")
    blocker.execute("BEGIN IMMEDIATE")
    try:
        with StateStore(path, busy_timeout_ms=50) as s:
            assert not s.persistent
            assert any("locked" in w for w in s.warnings)
            s.set_read("x")
            assert s.is_read("x")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


# -- corrupt TOML --------------------------------------------------------------------------------


def test_corrupt_toml_gives_defaults_and_a_located_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(b'theme = "nord"\n[keys\ntoggle_read = \x00\n')
    config, errors = load_config()
    assert config == Config()
    assert len(errors) == 1 and "line 2" in errors[0] and "column" in errors[0]
    assert main(["config"]) == 1  # the command reports, it does not crash
    assert "not valid TOML" in capsys.readouterr().err


# -- read-only config dir ------------------------------------------------------------------------


def test_unwritable_config_dir_reads_fine_and_init_fails_clearly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file where the config dir's parent should be: no mkdir can succeed, even as root.
    blocked = tmp_path / "home"
    blocked.write_text("")
    monkeypatch.setenv("NEWSREADER_HOME", str(blocked))
    config, errors = load_config()
    assert config == Config()
    assert len(errors) == 1 and "cannot read" in errors[0]
    assert main(["config", "--init"]) == 2
    assert "cannot write" in capsys.readouterr().err


@pytest.mark.skipif(ROOT, reason="root ignores file modes; the test above simulates this")
def test_read_only_config_dir_by_permissions(capsys: pytest.CaptureFixture[str]) -> None:
    path = config_path()
    path.parent.mkdir(parents=True)
    path.parent.chmod(0o500)
    try:
        assert load_config() == (Config(), [])
        assert main(["config", "--init"]) == 2
        assert "cannot write" in capsys.readouterr().err
        path.parent.chmod(0o700)
        path.write_text('theme = "nord"\n')
        path.parent.chmod(0o500)
        assert load_config() == (Config(theme="nord"), [])
        assert main(["config", "--init"]) == 2  # refuses, never overwrites
        assert path.read_text() == 'theme = "nord"\n'
    finally:
        path.parent.chmod(0o700)


def test_read_only_state_keeps_old_marks_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    with StateStore() as s:
        s.set_read("old")
        s.toggle_star("old")
    real_connect = sqlite3.connect

    def read_only(target: str, *args: object, **kwargs: object) -> sqlite3.Connection:
        # What a read-only mount or a chmod'ed file looks like to SQLite.
        if target != ":memory:" and not kwargs.get("uri"):
            target, kwargs = f"{Path(target).resolve().as_uri()}?mode=ro", {**kwargs, "uri": True}
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(state_mod.sqlite3, "connect", read_only)
    with StateStore() as s:
        assert s.is_read("old")
        assert s.set_read("new") is False  # not saved ...
        assert not s.persistent and any("not saved" in w for w in s.warnings)
        assert s.read_hashes() == {"old", "new"}  # ... but the session keeps working
        assert s.starred_hashes() == {"old"}
    # Not monkeypatch.undo(): that would also drop conftest's NEWSREADER_HOME.
    monkeypatch.setattr(state_mod.sqlite3, "connect", real_connect)
    with StateStore() as s:
        assert s.read_hashes() == {"old"}  # the file was not touched


def test_unusable_data_dir_falls_back_to_memory(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    blocked = tmp_path / "home"
    blocked.write_text("")
    monkeypatch.setenv("NEWSREADER_HOME", str(blocked))
    with StateStore() as s:
        assert not s.persistent and len(s.warnings) == 1
        assert "cannot create" in s.warnings[0]
        assert s.toggle_read("x") is True and s.read_hashes() == {"x"}


@pytest.mark.skipif(ROOT, reason="root ignores file modes; the test above simulates this")
def test_read_only_data_dir_by_permissions() -> None:
    with StateStore() as s:
        s.set_read("old")
    data = paths.data_dir()
    for f in data.iterdir():
        f.chmod(0o400)
    data.chmod(0o500)
    try:
        with StateStore() as s:
            assert s.is_read("old") or s.warnings  # readable copy when SQLite allows it
            s.set_read("new")
            assert s.is_read("new")
            assert not s.persistent and s.warnings
    finally:
        data.chmod(0o700)
        for f in data.iterdir():
            f.chmod(0o600)


# -- full disk -----------------------------------------------------------------------------------


def test_full_disk_switches_to_memory_keeping_everything() -> None:
    with StateStore() as s:
        before = fill(s, 20)
        pages = s._conn.execute("PRAGMA page_count").fetchone()[0]
        # SQLite's own cap on file size: writes past it fail with a real SQLITE_FULL.
        s._conn.execute(f"PRAGMA max_page_count = {pages}")
        written = set()
        for i in range(5000):
            written.add(f"big{i:04d}" + "x" * 200)
            s.set_read(f"big{i:04d}" + "x" * 200)
            if not s.persistent:
                break
        assert not s.persistent, "the cap was never hit"
        assert any("full" in w for w in s.warnings), s.warnings
        assert s.read_hashes() == before | written  # nothing lost in this session
    with StateStore() as s:
        assert before <= s.read_hashes()  # everything saved before the disk filled is there


def test_full_disk_error_message_simulated(monkeypatch: pytest.MonkeyPatch) -> None:
    with StateStore() as s:
        s.set_read("a")
        real = StateStore._transaction

        def full(conn: sqlite3.Connection, statements: object) -> None:
            if conn is s._conn and s.persistent:
                raise sqlite3.OperationalError("database or disk is full")
            real(conn, statements)

        monkeypatch.setattr(StateStore, "_transaction", staticmethod(full))
        assert s.set_read("b") is False
        assert s.read_hashes() == {"a", "b"}
        assert "database or disk is full" in s.warnings[0]


def test_no_space_to_create_the_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "mkdir", no_space)
    with StateStore() as s:
        assert not s.persistent and "No space left" in s.warnings[0]
        assert s.toggle_star("z") is True and s.starred_hashes() == {"z"}


# -- two instances -------------------------------------------------------------------------------


def test_two_stores_on_the_same_data_dir() -> None:
    a, b = StateStore(), StateStore()
    try:
        a.set_read("from-a")
        b.set_read("from-b")
        b.toggle_star("from-a")
        assert a.read_hashes() == b.read_hashes() == {"from-a", "from-b"}
        assert a.is_starred("from-a")
        a.add_search("one")
        b.add_search("two")
        assert a.recent_searches() == ["two", "one"]
        assert a.warnings == b.warnings == []
    finally:
        a.close()
        b.close()


WRITER = textwrap.dedent(
    """
    import sys
    from newsreader.store.state import StateStore
    prefix, n = sys.argv[1], int(sys.argv[2])
    s = StateStore()
    for i in range(n):
        s.set_read(f"{prefix}{i}")
        if i % 10 == 0:
            s.add_search(f"{prefix} query {i}")
    print("\\n".join(s.warnings))
    s.close()
    """
)


def test_two_processes_writing_at_once() -> None:
    n = 150
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, prefix, str(n)], stdout=subprocess.PIPE, text=True
        )
        for prefix in ("p", "q")
    ]
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert [o.strip() for o in outputs] == ["", ""]  # no write was dropped
    with StateStore() as s:
        assert s.read_hashes() == {f"{p}{i}" for p in "pq" for i in range(n)}
        assert len(s.recent_searches(limit=100)) == 2 * (n // 10)


# -- kill -9 mid-write ---------------------------------------------------------------------------

KILLED_WRITER = textwrap.dedent(
    """
    from newsreader.store.state import StateStore
    s = StateStore()
    i = 0
    while True:  # until killed
        s.set_read(f"k{i}")
        s.save_position("corpus", f"k{i}", i)
        print(i, flush=True)
        i += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_mid_write_keeps_every_committed_mark() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER], stdout=subprocess.PIPE, text=True
    )
    confirmed = []
    try:
        for line in proc.stdout:
            confirmed.append(int(line))
            if len(confirmed) >= 200:
                break
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert len(confirmed) >= 200
    with StateStore() as s:
        assert s.warnings == []
        assert s.persistent
        read = s.read_hashes()
        assert {f"k{i}" for i in confirmed} <= read  # every mark confirmed before the kill
        assert s.last_position("corpus").offset >= confirmed[-1]
        assert s.set_read("after-kill")
    conn = sqlite3.connect(db_path())
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_second_corruption_does_not_overwrite_the_first_rescued_file() -> None:
    path = db_path()
    path.parent.mkdir(parents=True)
    for content in (b"first garbage" * 50, b"second garbage" * 50):
        path.write_bytes(content)
        StateStore().close()
    rescued = sorted(p.read_bytes() for p in path.parent.glob(f"{STATE_FILENAME}.corrupt-*"))
    assert rescued == sorted([b"first garbage" * 50, b"second garbage" * 50])


def test_the_robustness_doc_names_only_real_tests() -> None:
    """docs/ROBUSTNESS.md cites `unit/file.py::test_name` (or `::test_name`: same file)."""
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "ROBUSTNESS.md").read_text(encoding="utf-8")
    cited = 0
    for line in doc.splitlines():
        current = None
        for file, name in re.findall(r"`([\w/]+\.py)?::(test_\w+)`", line):
            current = file or current
            assert current, f"{name} cited without a file: {line}"
            source = (root / "tests" / current).read_text(encoding="utf-8")
            assert re.search(rf"^(async )?def {name}\(", source, re.M), f"{current}::{name}"
            cited += 1
    assert cited >= 40


def test_reads_do_not_wait_behind_a_write_stuck_on_another_instances_lock() -> None:
    with StateStore(busy_timeout_ms=5000) as s:
        s.set_read("before")
        s.add_search("kept")
        blocker = sqlite3.connect(s.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")
        writer = threading.Thread(target=s.set_read, args=("during",))
        try:
            writer.start()
            time.sleep(0.3)  # let it reach SQLite's busy wait (this only makes the test stricter)
            # The writer now waits (up to 5 s) for the blocker's lock, holding the write side.
            assert s.recent_searches() == ["kept"]
            assert s.is_read("before") and not s.is_read("during")
            assert writer.is_alive(), "the reads above should not have waited for the write"
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
            writer.join(timeout=30)
        assert s.is_read("during")  # the write went through once the lock was free
