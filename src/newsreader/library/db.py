"""The library database: one SQLite file, opened the same way by the reader and every command.

WAL mode so one process can ingest while others read; `synchronous=NORMAL`, which survives a
killed process (not a power cut) and keeps batched ingest fast. The schema is a list of
numbered migrations counted by `PRAGMA user_version`; a file that is not a database, or is
damaged, is moved aside with a one-line message and a fresh library is started (the sources
still on disk can then be added again). Any other trouble opening it (read-only or full
directory, locked for too long) raises `LibraryError` with a message fit for the user.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from newsreader import paths
from newsreader.store.state import classify_error  # one reading of SQLite's error codes

LIBRARY_FILENAME = "library.sqlite3"
BUSY_TIMEOUT_MS = 10_000  # an ingest commits every few hundred rows, so waits stay short


class LibraryError(Exception):
    """The library cannot be used; the message is one line for the user."""


# Append-only: never edit a shipped step, add a new one. A step is a list of statements or a
# function of the connection (for steps that need Python, e.g. building an index).
Migration = Sequence[str] | Callable[[sqlite3.Connection], None]

_SCHEMA_1: tuple[str, ...] = (
    """CREATE TABLE source (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,               -- folder | file | feed | url | dataset
        locator TEXT NOT NULL UNIQUE,     -- absolute path or URL
        name TEXT,
        added_at REAL NOT NULL,
        etag TEXT, last_modified TEXT, fetched_at REAL, last_error TEXT
    )""",
    """CREATE TABLE article (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES source(id) ON DELETE CASCADE,
        locator TEXT NOT NULL UNIQUE,     -- file path, page URL, or 'data.jsonl#row-12'
        size INTEGER, mtime_ns INTEGER,
        content_hash TEXT NOT NULL,
        parser TEXT NOT NULL,             -- fingerprint of the parser that produced the row
        text TEXT NOT NULL,               -- decoded, \\n line endings: every offset points here
        title TEXT, display_title TEXT NOT NULL, outlet TEXT, date TEXT, byline TEXT,
        kind TEXT NOT NULL, encoding TEXT, title_start INTEGER, title_end INTEGER,
        paragraphs BLOB NOT NULL,         -- corpus.models.pack_paragraphs
        missing INTEGER NOT NULL DEFAULT 0,
        added_at REAL NOT NULL
    )""",
    "CREATE INDEX article_source ON article(source_id)",
    "CREATE INDEX article_hash ON article(content_hash)",
    "CREATE INDEX article_order ON article(date, display_title)",
    """CREATE TABLE raw (
        article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
        content_type TEXT, data BLOB NOT NULL   -- zlib: the page as fetched, to re-extract offline
    )""",
    # What the engine derives, kept up to date per article (library/derived.py).
    """CREATE TABLE neighbour (
        article_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
        rank INTEGER NOT NULL,
        other_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
        score REAL NOT NULL, shared_chars INTEGER NOT NULL,
        PRIMARY KEY (article_id, rank)
    )""",
    "CREATE INDEX neighbour_other ON neighbour(other_id)",
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


# The list's columns in an index of their own, in the list's order: reading the list then never
# touches the article rows, whose long text pushes title, outlet and date onto overflow pages
# (100k rows: 0.9-1.3 s -> 0.45-0.55 s to fetch).
_LIST_INDEX: Migration = (
    "CREATE INDEX article_list ON article(locator, source_id, title, display_title, outlet, "
    "date, byline, kind, encoding, title_start, title_end, content_hash, missing)",
)


# The reader paints the newest articles before it reads the whole list (`Library.first_page`).
_DATE_INDEX: Migration = ("CREATE INDEX IF NOT EXISTS article_date ON article(date)",)

# `count(*)` and "which lists are stale" read this small index instead of every analysis row
# (at 100k articles each scan cost 0.2-0.3 s of an `add`).
_RANKED_INDEX: Migration = ("CREATE INDEX IF NOT EXISTS analysis_ranked ON analysis(ranked)",)

# Which articles were added, changed (as the list shows them) or removed, in order, by any
# process: a reader open beside an `add`, a `remove` or a scheduled `fetch` brings its list up
# to date from here (`Library.changes_since`). Kept short: `prune_changes`.
_CHANGE_LOG: Migration = (
    "CREATE TABLE IF NOT EXISTS article_change (seq INTEGER PRIMARY KEY AUTOINCREMENT, "
    "article_id INTEGER NOT NULL)",
    "CREATE TRIGGER IF NOT EXISTS article_change_insert AFTER INSERT ON article BEGIN "
    "INSERT INTO article_change(article_id) VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS article_change_update AFTER UPDATE ON article WHEN "
    "old.content_hash IS NOT new.content_hash OR old.missing IS NOT new.missing "
    "OR old.title IS NOT new.title OR old.display_title IS NOT new.display_title "
    "OR old.outlet IS NOT new.outlet OR old.date IS NOT new.date "
    "OR old.byline IS NOT new.byline OR old.locator IS NOT new.locator BEGIN "
    "INSERT INTO article_change(article_id) VALUES (new.id); END",
    "CREATE TRIGGER IF NOT EXISTS article_change_delete AFTER DELETE ON article BEGIN "
    "INSERT INTO article_change(article_id) VALUES (old.id); END",
)


def _migrations() -> tuple[Migration, ...]:
    # The search index's, churn's and the derived data's own steps, appended in order.
    from newsreader.library import churn, derived_schema, fts

    return (
        _SCHEMA_1,
        *fts.MIGRATIONS,
        _LIST_INDEX,
        *churn.MIGRATIONS,
        *derived_schema.MIGRATIONS,
        _DATE_INDEX,
        _RANKED_INDEX,
        _CHANGE_LOG,
        churn.REHASH,
        fts.SETTLE_MIGRATION,
    )


def default_path() -> Path:
    return paths.data_dir() / LIBRARY_FILENAME


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        isolation_level=None,  # autocommit; transactions are explicit (`transaction`)
        check_same_thread=False,
        uri=uri,
    )
    conn.row_factory = sqlite3.Row
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Apply the missing steps, each in its own transaction; returns the schema version."""
    steps = _migrations()
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version > len(steps):
        raise LibraryError(
            f"the library was written by a newer newsreader (schema {version}); "
            "upgrade newsreader to open it"
        )
    while version < len(steps):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another instance may have migrated while we waited for the lock.
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if version < len(steps):
                step = steps[version]
                if callable(step):
                    step(conn)
                else:
                    for sql in step:
                        conn.execute(sql)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return version


CHANGES_KEPT = 50_000  # change-log entries kept: a reader further behind reloads its list
CHANGES_PRUNED = "changes.pruned"  # meta: the log holds nothing at or below this seq


def prune_changes(conn: sqlite3.Connection, keep: int = CHANGES_KEPT) -> None:
    """Drop the oldest change-log entries once the log holds twice `keep` (a big ingest logs
    one per article); what was dropped is recorded, so a reader that needed it knows."""
    low, high = conn.execute("SELECT min(seq), max(seq) FROM article_change").fetchone()
    if high is None or high - low < 2 * keep:
        return
    cut = high - keep
    with transaction(conn):
        conn.execute("DELETE FROM article_change WHERE seq <= ?", (cut,))
        conn.execute(
            "INSERT INTO meta(key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (CHANGES_PRUNED, str(cut)),
        )


def move_aside(path: Path) -> Path:
    """Rename a damaged library (and its WAL files) out of the way; returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():  # never overwrite an earlier rescued file
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
    path.replace(aside)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(aside.with_name(aside.name + suffix))
    return aside


def open_library(
    path: Path | None = None, *, warn: Callable[[str], None] | None = None
) -> sqlite3.Connection:
    """Open (creating or migrating) the library at `path`; see the module docstring.

    `warn` receives one-line messages about what was repaired (a damaged file moved aside).
    """
    path = path or default_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise LibraryError(
            f"cannot create the library folder {path.parent}: {e.strerror or e}"
        ) from None
    moved = False
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        conn: sqlite3.Connection | None = None
        try:
            conn = _connect(str(path))
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            # Reading the schema touches the header and first pages: a foreign or truncated
            # file fails here (NOTADB/CORRUPT). A full quick_check costs seconds at 100k
            # articles, so damage deeper in is caught when a query meets it.
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            migrate(conn)
            return conn
        except sqlite3.Error as e:
            if conn is not None:
                conn.close()
            kind = classify_error(e)
            if kind == "corrupt" and not moved and path.exists():
                moved = True
                try:
                    aside = move_aside(path)
                except OSError as err:
                    raise LibraryError(
                        f"the library {path} is damaged and could not be moved aside: {err}"
                    ) from None
                if warn is not None:
                    warn(
                        f"the library file was damaged or not a newsreader library; moved it to "
                        f"{aside.name} and started a fresh one (add your folders again)"
                    )
                continue
            if kind == "busy" and time.monotonic() < deadline:
                time.sleep(0.05)
                continue
            if kind == "busy":
                raise LibraryError(
                    f"the library {path} is locked by another newsreader; try again"
                ) from None
            if kind == "unwritable":
                raise LibraryError(
                    f"cannot write the library {path} ({e}); check the folder's permissions "
                    "and free space, or set NEWSREADER_HOME to another folder"
                ) from None
            raise LibraryError(f"cannot open the library {path}: {e}") from None
        except OSError as e:
            if conn is not None:
                conn.close()
            raise LibraryError(f"cannot open the library {path}: {e.strerror or e}") from None


def open_read_only(path: Path) -> sqlite3.Connection | None:
    """The library opened for reading only, when it exists, is current and is readable."""
    if not path.is_file():
        return None
    try:
        conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except (sqlite3.Error, OSError, ValueError):
        return None
    if version != len(_migrations()):
        conn.close()  # an older schema needs writing to be read
        return None
    return conn


class transaction:  # used like a function: `with transaction(conn):`
    """`BEGIN IMMEDIATE` … `COMMIT`, rolled back on any exception (the commit is the durability
    point: what was committed survives kill -9)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:
            self.conn.execute("ROLLBACK")
