"""Paths in, library rows out: only what changed is parsed again.

A file is looked at in three steps, cheapest first: its size and mtime against the row (same:
nothing to do), then, once parsed, its content hash (same: only the stat is updated), else the
row is replaced. Rows are written in batches, each its own transaction, so a killed ingest
keeps every finished batch and the next run picks up from there (the unchanged files are then
skipped by their stat). A file that vanished stays in the library marked missing; a file that
comes back is unmarked. The parser's fingerprint is stored per row: a newer loader re-parses.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.corpus.models import Article, Skipped, pack_paragraphs, unpack_paragraphs
from newsreader.library import churn, fts
from newsreader.library.db import transaction

BATCH = 200  # rows per transaction: the durability step of a killed ingest
# Past the first RAMP rows of a big ingest, transactions of BULK_BATCH: each one's search
# vocabulary upsert costs about the same whatever its size (10k articles: 3.95 -> 2.61 s).
RAMP = 2000
BULK_BATCH = 1000
Progress = Callable[[int, int], None]


@dataclass
class IngestReport:
    """What one `add_paths` did; `article_ids` are every article under the given paths."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    missing: int = 0
    newly_missing: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)  # added or updated: derive for these
    source_ids: list[int] = field(default_factory=list)
    gone_ids: list[int] = field(default_factory=list)  # `into` mode: rows just marked missing
    cancelled: bool = False

    @property
    def changes_view(self) -> bool:
        """Whether a list showing these sources must be read again."""
        return bool(self.added or self.updated or self.newly_missing)

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "missing": self.missing,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "cancelled": self.cancelled,
        }


def parser_fingerprint() -> str:
    from newsreader.store.codec import fingerprint

    return fingerprint()


def upsert_source(conn: sqlite3.Connection, kind: str, locator: str, name: str | None) -> int:
    conn.execute(
        "INSERT INTO source(kind, locator, name, added_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(locator) DO NOTHING",
        (kind, locator, name, time.time()),
    )
    row = conn.execute("SELECT id FROM source WHERE locator = ?", (locator,)).fetchone()
    return int(row[0])


def article_values(article: Article) -> dict[str, object]:
    """The article's columns (all but ids, provenance and stat), from a parsed Article."""
    span = article.title_span
    return {
        "content_hash": article.content_hash,
        "text": article.text,
        "title": article.title,
        "display_title": article.display_title,
        "outlet": article.outlet,
        "date": article.date,
        "byline": article.byline,
        "kind": article.kind,
        "encoding": article.encoding,
        "title_start": span[0] if span else None,
        "title_end": span[1] if span else None,
        "paragraphs": pack_paragraphs(article.paragraphs),
    }


_COLUMNS = (
    "content_hash, text, title, display_title, outlet, date, byline, kind, encoding, "
    "title_start, title_end, paragraphs"
)


def write_article(
    conn: sqlite3.Connection,
    article: Article,
    *,
    source_id: int,
    locator: str,
    parser: str,
    size: int | None = None,
    mtime_ns: int | None = None,
    existing_id: int | None = None,
    defer_index: list[int] | None = None,
) -> int:
    """Insert or replace one article row and keep the search index in step; returns its id.

    Must run inside a transaction (the row and its index entries commit together). With
    `defer_index`, the row's id is appended there instead and the caller indexes the whole
    batch before committing (`fts.index_articles`): one vocabulary update per batch, not per
    article, which was a third of an ingest's time.
    """
    values = article_values(article)
    if existing_id is None:
        row = conn.execute("SELECT id FROM article WHERE locator = ?", (locator,)).fetchone()
        existing_id = int(row[0]) if row is not None else None
    if existing_id is not None:
        if defer_index is None or existing_id not in defer_index:  # else: not indexed yet
            fts.unindex_articles(conn, [existing_id])
        conn.execute(
            "UPDATE article SET "
            + ", ".join(f"{c} = :{c}" for c in values)
            + ", size = :size, mtime_ns = :mtime_ns, parser = :parser, missing = 0 "
            "WHERE id = :id",
            {**values, "size": size, "mtime_ns": mtime_ns, "parser": parser, "id": existing_id},
        )
        article_id = existing_id
    else:
        cur = conn.execute(
            f"INSERT INTO article(source_id, locator, size, mtime_ns, parser, added_at, "
            f"{_COLUMNS}) VALUES (:source_id, :locator, :size, :mtime_ns, :parser, :added_at, "
            + ", ".join(f":{c}" for c in values)
            + ")",
            {
                **values,
                "source_id": source_id,
                "locator": locator,
                "size": size,
                "mtime_ns": mtime_ns,
                "parser": parser,
                "added_at": time.time(),
            },
        )
        article_id = int(cur.lastrowid or 0)
    if defer_index is None:
        fts.index_articles(conn, [article_id])
    elif article_id not in defer_index:
        defer_index.append(article_id)
    return article_id


@dataclass
class _Known:
    id: int
    size: int | None
    mtime_ns: int | None
    content_hash: str
    parser: str
    missing: bool


def _known(
    conn: sqlite3.Connection, source_ids: list[int], locators: list[str]
) -> dict[str, _Known]:
    out: dict[str, _Known] = {}
    sql = "SELECT id, locator, size, mtime_ns, content_hash, parser, missing FROM article WHERE "
    rows: list[sqlite3.Row] = []
    if source_ids:
        marks = ",".join("?" * len(source_ids))
        rows += conn.execute(sql + f"source_id IN ({marks})", source_ids).fetchall()
    # Files already known under another source (those of these sources are read above: a
    # refresh of 100k files looked each up a second time).
    mine = {r["locator"] for r in rows}
    others = [loc for loc in locators if loc not in mine]
    for i in range(0, len(others), 500):
        chunk = others[i : i + 500]
        rows += conn.execute(sql + f"locator IN ({','.join('?' * len(chunk))})", chunk).fetchall()
    for r in rows:
        out[r["locator"]] = _Known(
            r["id"], r["size"], r["mtime_ns"], r["content_hash"], r["parser"], bool(r["missing"])
        )
    return out


def add_paths(
    conn: sqlite3.Connection,
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
    into: int | None = None,
) -> IngestReport:
    """Add or refresh the files under `paths` (files or folders); see the module docstring.

    `into`: the paths are files of that (folder) source, e.g. what a watcher saw change; they
    are stored under it rather than becoming sources, and only those of them that are gone are
    marked missing (the rest of the folder is not looked at)."""
    from newsreader.corpus.loader import iter_files, short_lines
    from newsreader.store.parse_pool import parse_many

    report = IngestReport()
    parser = parser_fingerprint()
    files: list[tuple[Path, int]] = []  # (resolved file, source id)
    # The folders are walked before the write lock is taken (100k files: seconds another
    # instance would wait); iter_files gives resolved paths.
    walked: list[tuple[Path, list[Path]]] = []
    for target in paths:
        t = Path(target).expanduser()
        # A watcher's file that is gone is marked missing below, not reported as skipped.
        vanished = into is not None and not t.is_file()
        walked.append((t, [] if vanished else iter_files([t], report.skipped, cancel)))
    if cancel is not None and cancel.is_set():
        report.cancelled = True
        return report
    with transaction(conn):
        for t, found in walked:
            if into is not None:
                if t.is_file():
                    files.extend((f, into) for f in found)
                continue
            if not t.exists():
                # A source that vanished as a whole: keep it, its articles are marked below.
                row = conn.execute(
                    "SELECT id FROM source WHERE locator = ?", (str(t.absolute()),)
                ).fetchone()
                if row is not None:
                    report.source_ids.append(int(row[0]))
                continue
            resolved = t.resolve()
            kind = "folder" if resolved.is_dir() else "file"
            sid = upsert_source(conn, kind, str(resolved), resolved.name)
            report.source_ids.append(sid)
            files.extend((f, sid) for f in found)
    seen: dict[str, int] = {}
    for f, sid in files:
        seen.setdefault(str(f), sid)
    known = _known(conn, report.source_ids, list(seen))
    total = len(seen)
    done = 0
    if progress is not None:
        progress(0, total)

    todo: list[Path] = []
    stat_of: dict[str, tuple[int, int]] = {}
    unmark: list[int] = []
    for n, loc in enumerate(seen):
        if n % 512 == 0 and cancel is not None and cancel.is_set():
            report.cancelled = True  # nothing written yet, nothing marked missing
            return report
        try:
            st = os.stat(loc)
        except OSError:
            todo.append(Path(loc))  # the parser reports why, in one line
            continue
        stat_of[loc] = (st.st_size, st.st_mtime_ns)
        k = known.get(loc)
        if k is not None and (k.size, k.mtime_ns) == stat_of[loc] and k.parser == parser:
            report.unchanged += 1
            report.article_ids.append(k.id)
            if k.missing:
                unmark.append(k.id)
            done += 1
        else:
            todo.append(Path(loc))
    if unmark:
        with transaction(conn):
            conn.executemany("UPDATE article SET missing = 0 WHERE id = ?", [(i,) for i in unmark])
    if progress is not None:
        progress(done, total)

    # Per written row, only its short lines: keeping the parsed articles for the repeated-line
    # pass held every text of the run in memory (1.1 GB peak for 100k files).
    shorts: list[tuple[int, list[str]]] = []
    pending: list[tuple[Path, Article | str]] = []

    def flush() -> None:
        arrived: list[tuple[int, Article]] = []  # this batch's new or changed articles
        with transaction(conn):
            to_index: list[int] = []
            for path, result in pending:
                loc = str(path)
                k = known.get(loc)
                if isinstance(result, str):
                    report.skipped.append(Skipped(loc, result))
                    if k is not None:
                        report.article_ids.append(k.id)  # keep the last good text
                    continue
                size, mtime = stat_of.get(loc, (None, None))
                if k is not None and k.content_hash == result.content_hash and k.parser == parser:
                    conn.execute(
                        "UPDATE article SET size = ?, mtime_ns = ?, missing = 0 WHERE id = ?",
                        (size, mtime, k.id),
                    )
                    report.unchanged += 1
                    report.article_ids.append(k.id)
                    continue
                aid = write_article(
                    conn,
                    result,
                    source_id=seen[loc],
                    locator=loc,
                    parser=parser,
                    size=size,
                    mtime_ns=mtime,
                    existing_id=k.id if k is not None else None,
                    defer_index=to_index,
                )
                if k is None:
                    report.added += 1
                else:
                    report.updated += 1
                report.article_ids.append(aid)
                report.changed_ids.append(aid)
                shorts.append((aid, short_lines(result)))
                arrived.append((aid, result))
            fts.index_articles(conn, to_index)
        pending.clear()
        churn.check_new(conn, arrived, cancel=cancel)  # after the commit: rows are safe

    for i, result, _encoded in parse_many(todo, cancel):
        pending.append((todo[i], result))
        done += 1
        if len(pending) >= (BATCH if done <= RAMP else BULK_BATCH):
            flush()
        if progress is not None and done % 50 == 0:
            progress(done, total)
    if pending:
        flush()
    if cancel is not None and cancel.is_set():
        report.cancelled = True
    if progress is not None:
        progress(done, total)

    if not report.cancelled and into is not None:
        gone = [str(Path(p).expanduser().absolute()) for p in paths]
        report.gone_ids = _mark_gone(conn, into, set(gone) - set(seen))
        report.missing = report.newly_missing = len(report.gone_ids)
        _flag_repeated(conn, shorts)
    elif not report.cancelled:
        report.missing, report.newly_missing = _mark_missing(conn, report.source_ids, set(seen))
        _flag_repeated(conn, shorts)
    if not report.cancelled:
        # A bulk add leaves the search index in many segments: one keeps typing fast.
        fts.settle(conn, len(report.changed_ids), cancel=cancel)
    return report


def _mark_missing(
    conn: sqlite3.Connection, source_ids: list[int], present: set[str]
) -> tuple[int, int]:
    """Mark the rows of these sources whose file is gone: (missing now, of which new)."""
    if not source_ids:
        return 0, 0
    marks = ",".join("?" * len(source_ids))
    rows = conn.execute(
        f"SELECT id, locator, missing FROM article WHERE source_id IN ({marks})", source_ids
    ).fetchall()
    gone = [r["id"] for r in rows if r["locator"] not in present and not r["missing"]]
    if gone:
        with transaction(conn):
            conn.executemany("UPDATE article SET missing = 1 WHERE id = ?", [(i,) for i in gone])
    return sum(1 for r in rows if r["locator"] not in present), len(gone)


def _mark_gone(conn: sqlite3.Connection, source_id: int, locators: set[str]) -> list[int]:
    """Mark these files of a source missing (they are gone); returns the rows newly marked."""
    gone = [
        int(r[0])
        for loc in sorted(locators)
        for r in conn.execute(
            "SELECT id FROM article WHERE source_id = ? AND locator = ? AND missing = 0",
            (source_id, loc),
        )
    ]
    if gone:
        with transaction(conn):
            conn.executemany("UPDATE article SET missing = 1 WHERE id = ?", [(i,) for i in gone])
    return gone


def _flag_repeated(conn: sqlite3.Connection, shorts: list[tuple[int, list[str]]]) -> None:
    """The loader's corpus-wide pass (short lines in 3+ articles are site furniture) over the
    articles written in this run; rows whose flags change are read back and rewritten."""
    from newsreader.corpus.boilerplate import corpus_repeated
    from newsreader.corpus.loader import flag_lines, line_normaliser

    if len(shorts) < 3:
        return
    repeated = corpus_repeated([lines for _, lines in shorts])
    if not repeated:
        return
    norm = line_normaliser()
    touched = [aid for aid, lines in shorts if any(norm(line) in repeated for line in lines)]
    for i in range(0, len(touched), BATCH):
        articles = _articles(conn, touched[i : i + BATCH])
        changed = flag_lines(list(articles.values()), repeated)
        if changed:
            ids = {id(a): aid for aid, a in articles.items()}
            with transaction(conn):
                conn.executemany(
                    "UPDATE article SET paragraphs = ?, display_title = ? WHERE id = ?",
                    [(pack_paragraphs(a.paragraphs), a.display_title, ids[id(a)]) for a in changed],
                )


def _articles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, Article]:
    """Rows as plain `Article`s, as the loader made them (for passes that re-derive fields)."""
    rows = conn.execute(
        "SELECT id, locator, text, title, outlet, date, byline, kind, paragraphs, encoding, "
        f"title_start, title_end FROM article WHERE id IN ({','.join('?' * len(ids))})",
        ids,
    ).fetchall()
    return {
        r["id"]: Article(
            path=Path(r["locator"]),
            text=r["text"],
            title=r["title"],
            outlet=r["outlet"],
            date=r["date"],
            byline=r["byline"],
            kind=r["kind"],
            paragraphs=unpack_paragraphs(r["paragraphs"]),
            encoding=r["encoding"],
            title_span=(r["title_start"], r["title_end"])
            if r["title_start"] is not None and r["title_end"] is not None
            else None,
        )
        for r in rows
    }


def remove_source(conn: sqlite3.Connection, source_id: int) -> int:
    """Forget a source and its articles (files on disk are never touched); returns how many."""
    with transaction(conn):
        ids = [
            int(r[0])
            for r in conn.execute("SELECT id FROM article WHERE source_id = ?", (source_id,))
        ]
        fts.unindex_articles(conn, ids)
        from newsreader.library import derived  # the reuse engine: only when removing

        derived.forget(conn, ids)
        conn.execute("DELETE FROM source WHERE id = ?", (source_id,))
    return len(ids)
