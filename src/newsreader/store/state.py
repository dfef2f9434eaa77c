"""The reader's own state: read marks, stars, last corpus and position, recent searches.

One SQLite file in the user data dir (never in the corpus folders), in WAL mode so a second
instance can read while the first writes. Articles are keyed by `Article.content_hash`, so a
moved or renamed file keeps its marks.

The store never raises on a bad environment: a corrupt file is moved aside and replaced, a
write that cannot get the lock in time is dropped, an unwritable dir or a full disk switches
to an in-memory copy. Each case appends a one-line message to `StateStore.warnings` for the UI.
Every write is its own committed transaction, so whatever was written before a crash (even
kill -9) is there on the next start.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from newsreader import paths

STATE_FILENAME = "state.sqlite3"
BUSY_TIMEOUT_MS = 5000  # writes run in worker threads, so waiting longer never blocks the UI
MAX_SEARCHES = 50
_LAST_CORPUS = "last_corpus"

T = TypeVar("T")

# SQLite result codes, by kind of trouble (Python 3.11 sets `sqlite_errorname` on errors).
_CORRUPT = {"SQLITE_CORRUPT", "SQLITE_NOTADB"}
_BUSY = {"SQLITE_BUSY", "SQLITE_LOCKED"}
_UNWRITABLE = {"SQLITE_FULL", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM"}


# Append-only: never edit a shipped step, add a new one. `PRAGMA user_version` counts the
# steps applied, so any older file is brought up to date on open.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        "CREATE TABLE read_marks (hash TEXT PRIMARY KEY, at REAL NOT NULL)",
        "CREATE TABLE stars (hash TEXT PRIMARY KEY, at REAL NOT NULL)",
        "CREATE TABLE positions (corpus_key TEXT PRIMARY KEY, article_hash TEXT NOT NULL, "
        "scroll_offset INTEGER NOT NULL, at REAL NOT NULL)",
        "CREATE TABLE searches (id INTEGER PRIMARY KEY AUTOINCREMENT, query TEXT NOT NULL UNIQUE, "
        "at REAL NOT NULL)",
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    ),
)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing migration steps in one transaction; returns the schema version."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version >= len(MIGRATIONS):
        return version  # up to date (or written by a newer newsreader: leave it alone)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another instance may have migrated while we waited for the lock.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, statements in enumerate(MIGRATIONS[version:], start=version + 1):
            for sql in statements:
                conn.execute(sql)
            conn.execute(f"PRAGMA user_version = {number}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return len(MIGRATIONS)


def classify_error(exc: sqlite3.Error) -> str:
    """'corrupt', 'busy', 'unwritable' or 'other', from the error code or else the message."""
    name = (getattr(exc, "sqlite_errorname", None) or "").split("_", 2)
    code = "_".join(name[:2])  # SQLITE_IOERR_WRITE -> SQLITE_IOERR
    message = str(exc).lower()
    if code in _CORRUPT or "not a database" in message or "malformed" in message:
        return "corrupt"
    if code in _BUSY or "locked" in message or "busy" in message:
        return "busy"
    if code in _UNWRITABLE or any(
        s in message for s in ("disk is full", "readonly", "unable to open", "disk i/o")
    ):
        return "unwritable"
    return "other"


def corpus_key(paths_: Iterable[str | Path]) -> str:
    """A stable key for a set of corpus paths (order and relative spelling do not matter)."""
    return "\n".join(sorted({str(Path(p).expanduser().resolve()) for p in paths_}))


@dataclass(frozen=True, slots=True)
class Counts:
    """What the header shows for a corpus: how many articles, unread, starred."""

    total: int
    unread: int
    starred: int


@dataclass(frozen=True, slots=True)
class Position:
    """Where the reader was in a corpus: which article and how far down."""

    article_hash: str
    offset: int


class StateStore:
    """Read/star marks and reading position, persisted in SQLite; see the module docstring."""

    def __init__(self, path: Path | str | None = None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.path = Path(path) if path is not None else paths.data_dir() / STATE_FILENAME
        self.busy_timeout_ms = busy_timeout_ms
        # Every distinct problem so far, and those the UI has not shown yet (`pop_warnings`).
        self.warnings: list[str] = []
        self._unseen: list[str] = []
        # The TUI writes from workers. Writes share one connection under `_lock`; reads use
        # their own connection under `_read_lock`, so a write waiting for another instance's
        # lock (up to the busy timeout) never stalls a read on the UI thread (WAL readers do
        # not wait for writers). In memory there is one connection, under `_lock`.
        self._lock = threading.RLock()
        self._read_lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._reader: sqlite3.Connection | None = None
        self.persistent = True
        self._conn = self._open_disk()
        if self.persistent:
            try:
                self._reader = self._connect(str(self.path))
                self._reader.execute("PRAGMA query_only = ON")
            except sqlite3.Error:
                self._reader = None  # reads share the write connection

    # -- opening -----------------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
        if message not in self._unseen:
            self._unseen.append(message)

    def pop_warnings(self) -> list[str]:
        """Warnings since the last call (a repeated problem shows again), for `App.notify`."""
        with self._lock:
            unseen, self._unseen = self._unseen, []
            return unseen

    def _connect(self, target: str, *, uri: bool = False) -> sqlite3.Connection:
        conn = sqlite3.connect(
            target,
            timeout=self.busy_timeout_ms / 1000,
            isolation_level=None,  # autocommit: transactions are explicit below
            check_same_thread=False,
            uri=uri,
        )
        conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        return conn

    def _open_disk(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            return self._fall_back(f"cannot create {self.path.parent} ({e.strerror or e})")
        moved_aside = False
        # Opening can meet SQLITE_BUSY without SQLite's busy handler being asked (another
        # instance creating the file or switching it to WAL at the same moment): retry until
        # the busy timeout before giving up on the file.
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        while True:
            conn = None
            try:
                conn = self._connect(str(self.path))
                conn.execute("PRAGMA journal_mode = WAL")
                # NORMAL is durable against a killed process in WAL mode (not power loss).
                conn.execute("PRAGMA synchronous = NORMAL")
                row = conn.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    raise sqlite3.DatabaseError(f"database disk image is malformed: {row}")
                migrate(conn)
                return conn
            except sqlite3.Error as e:
                if conn is not None:
                    conn.close()
                kind = classify_error(e)
                if kind == "corrupt" and not moved_aside:
                    moved_aside = True
                    self._move_aside()
                    continue
                if kind == "busy":
                    if time.monotonic() < deadline:
                        time.sleep(0.05)
                        continue
                    return self._fall_back("the state file is locked by another newsreader")
                return self._fall_back(f"cannot use {self.path} ({e})")
            except OSError as e:
                if conn is not None:
                    conn.close()
                return self._fall_back(f"cannot use {self.path} ({e.strerror or e})")

    def _move_aside(self) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():  # never overwrite an earlier rescued file
            n += 1
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                side = self.path.with_name(self.path.name + suffix)
                if side.exists():
                    side.replace(aside.with_name(aside.name + suffix))
        except OSError as e:
            self._warn(f"state file {self.path} is corrupt and could not be moved aside: {e}")
            return
        self._warn(
            f"state file was corrupt; moved it to {aside.name} and started fresh "
            "(read marks and stars from before are in that file)"
        )

    def _fall_back(
        self, reason: str, source: sqlite3.Connection | None = None
    ) -> sqlite3.Connection:
        """Carry on in memory, keeping what can still be read; nothing is saved from here on."""
        self.persistent = False
        self._warn(f"state not saved: {reason}; marks last until you quit")
        mem = self._connect(":memory:")
        opened = None
        try:
            if source is None and self.path.is_file():
                source = opened = self._connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
            if source is not None:
                source.backup(mem)
        except (sqlite3.Error, OSError, ValueError):
            # Nothing readable to keep: start empty.
            mem.close()
            mem = self._connect(":memory:")
        finally:
            if opened is not None:
                opened.close()
        try:
            migrate(mem)
        except sqlite3.Error:
            mem.close()
            mem = self._connect(":memory:")
            migrate(mem)
        return mem

    # -- running statements ------------------------------------------------------------------

    def _read(self, fn: Callable[[sqlite3.Connection], T], default: T) -> T:
        with self._read_lock:
            if self._reader is not None:
                try:
                    return fn(self._reader)
                except sqlite3.Error:
                    pass  # e.g. the file went away: try the write connection below
        with self._lock:
            if self._conn is None:
                return default
            try:
                return fn(self._conn)
            except sqlite3.Error as e:
                self._warn(f"could not read saved state ({e})")
                return default

    def _drop_reader(self) -> None:
        with self._read_lock:
            if self._reader is not None:
                self._reader.close()
                self._reader = None

    def _write(self, statements: Sequence[tuple[str, tuple]]) -> bool:
        """Run statements as one committed transaction; True if it reached the disk."""
        with self._lock:
            if self._conn is None:
                return False
            for _ in range(2):
                try:
                    self._transaction(self._conn, statements)
                    return self.persistent
                except sqlite3.Error as e:
                    kind = classify_error(e)
                    if kind == "busy":
                        self._warn(
                            "the state file is busy (another newsreader is writing); "
                            "a change was not saved"
                        )
                        return False
                    if not self.persistent:
                        self._warn(f"could not save state ({e})")
                        return False
                    # Full disk, read-only file, corruption found mid-run: go on in memory
                    # with a copy of what we have, then retry there.
                    old = self._conn
                    self._drop_reader()  # it would show the disk, not the session's marks
                    self._conn = self._fall_back(f"writing {self.path} failed ({e})", source=old)
                    old.close()
            return False

    @staticmethod
    def _transaction(conn: sqlite3.Connection, statements: Sequence[tuple[str, tuple]]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql, params in statements:
                conn.execute(sql, params)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- read / star -------------------------------------------------------------------------

    def is_read(self, article_hash: str) -> bool:
        return self._has("read_marks", article_hash)

    def set_read(self, article_hash: str, read: bool = True) -> bool:
        """Mark an article read or unread; returns whether the change was saved to disk."""
        return self._set("read_marks", article_hash, read)

    def mark_read_many(self, article_hashes: Iterable[str]) -> bool:
        """Mark many articles read in one transaction (an import of another reader's marks)."""
        now = time.time()
        sql = "INSERT OR IGNORE INTO read_marks (hash, at) VALUES (?, ?)"
        return self._write([(sql, (h, now)) for h in dict.fromkeys(article_hashes)])

    def toggle_read(self, article_hash: str) -> bool:
        """Flip the read mark; returns the new state."""
        new = not self.is_read(article_hash)
        self.set_read(article_hash, new)
        return self.is_read(article_hash)

    def is_starred(self, article_hash: str) -> bool:
        return self._has("stars", article_hash)

    def set_starred(self, article_hash: str, starred: bool = True) -> bool:
        return self._set("stars", article_hash, starred)

    def toggle_star(self, article_hash: str) -> bool:
        """Flip the star; returns the new state."""
        new = not self.is_starred(article_hash)
        self.set_starred(article_hash, new)
        return self.is_starred(article_hash)

    def read_hashes(self) -> set[str]:
        return self._hashes("read_marks")

    def starred_hashes(self) -> set[str]:
        return self._hashes("stars")

    def counts(self, article_hashes: Iterable[str]) -> Counts:
        """Header counts for the articles shown (duplicates of one text count once)."""
        hashes = set(article_hashes)
        return Counts(
            len(hashes), len(hashes - self.read_hashes()), len(hashes & self.starred_hashes())
        )

    def _has(self, table: str, article_hash: str) -> bool:
        sql = f"SELECT 1 FROM {table} WHERE hash = ?"
        return self._read(lambda c: c.execute(sql, (article_hash,)).fetchone() is not None, False)

    def _hashes(self, table: str) -> set[str]:
        return self._read(lambda c: {r[0] for r in c.execute(f"SELECT hash FROM {table}")}, set())

    def _set(self, table: str, article_hash: str, on: bool) -> bool:
        if on:
            sql = f"INSERT OR REPLACE INTO {table} (hash, at) VALUES (?, ?)"
            return self._write([(sql, (article_hash, time.time()))])
        return self._write([(f"DELETE FROM {table} WHERE hash = ?", (article_hash,))])

    # -- position and corpus -----------------------------------------------------------------

    def save_position(self, corpus_key: str, article_hash: str, offset: int) -> bool:
        sql = (
            "INSERT OR REPLACE INTO positions (corpus_key, article_hash, scroll_offset, at) "
            "VALUES (?, ?, ?, ?)"
        )
        return self._write([(sql, (corpus_key, article_hash, int(offset), time.time()))])

    def last_position(self, corpus_key: str) -> Position | None:
        sql = "SELECT article_hash, scroll_offset FROM positions WHERE corpus_key = ?"
        row = self._read(lambda c: c.execute(sql, (corpus_key,)).fetchone(), None)
        return Position(row[0], int(row[1])) if row else None

    def set_last_corpus(self, corpus_paths: Iterable[str | Path]) -> bool:
        value = json.dumps([str(p) for p in corpus_paths])
        sql = "INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)"
        return self._write([(sql, (_LAST_CORPUS, value))])

    def last_corpus(self) -> list[str] | None:
        sql = "SELECT value FROM kv WHERE key = ?"
        row = self._read(lambda c: c.execute(sql, (_LAST_CORPUS,)).fetchone(), None)
        if row is None:
            return None
        try:
            value = json.loads(row[0])
        except ValueError:
            return None
        return [str(p) for p in value] if isinstance(value, list) else None

    # -- recent searches ---------------------------------------------------------------------

    def add_search(self, query: str) -> bool:
        """Remember a search, newest first, without duplicates, keeping the last MAX_SEARCHES."""
        query = query.strip()
        if not query:
            return False
        return self._write(
            [
                ("DELETE FROM searches WHERE query = ?", (query,)),
                ("INSERT INTO searches (query, at) VALUES (?, ?)", (query, time.time())),
                (
                    "DELETE FROM searches WHERE id NOT IN "
                    "(SELECT id FROM searches ORDER BY id DESC LIMIT ?)",
                    (MAX_SEARCHES,),
                ),
            ]
        )

    def recent_searches(self, limit: int = 10) -> list[str]:
        sql = "SELECT query FROM searches ORDER BY id DESC LIMIT ?"
        return self._read(lambda c: [r[0] for r in c.execute(sql, (limit,))], [])

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        self._drop_reader()
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> StateStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
