"""The schema of what the engine derives (library/derived.py): its own migration step, apart
from the code that fills it, so the database module can list it without importing that code."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def _create(conn: sqlite3.Connection) -> None:
    for sql in (
        "CREATE TABLE term (id INTEGER PRIMARY KEY, word TEXT NOT NULL UNIQUE, "
        "df INTEGER NOT NULL DEFAULT 0)",
        """CREATE TABLE analysis (
            article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
            content_hash TEXT NOT NULL,   -- the text it was made from
            terms BLOB NOT NULL,          -- int64 term ids (reuse.related.term_id)
            counts BLOB NOT NULL,         -- int32 counts, same order
            shingles BLOB NOT NULL,       -- uint32 sampled shingle hashes
            chars INTEGER NOT NULL,       -- body length (boilerplate out)
            lines BLOB NOT NULL,          -- int64 (start, end, key hash) of short lines
            body BLOB NOT NULL,           -- int32 (start, end) of the body (common_lines)
            ranked INTEGER NOT NULL DEFAULT 0  -- 1: its neighbour list is current
        )""",
        # No foreign key: rows go with their analysis (`forget`); a full rebuild rewrites all.
        "CREATE TABLE posting (term_id INTEGER NOT NULL, article_id INTEGER NOT NULL, "
        "PRIMARY KEY (term_id, article_id)) WITHOUT ROWID",
        """CREATE TABLE verdict (
            a_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            b_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            a_hash TEXT NOT NULL, b_hash TEXT NOT NULL,  -- the texts that were aligned
            a_spans BLOB NOT NULL, b_spans BLOB NOT NULL,  -- int32 merged shared spans
            a_pct REAL NOT NULL, b_pct REAL NOT NULL,
            passages BLOB,                -- the whole comparison (derived.pack_passages)
            PRIMARY KEY (a_id, b_id)
        ) WITHOUT ROWID""",
        "CREATE INDEX verdict_b ON verdict(b_id)",
    ):
        conn.execute(sql)


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create,)
