"""Documents from the outside world into the library: feeds, web pages, datasets, newsboat.

`newsreader.sources` turns feeds, pages and files into `IncomingDocument`s and stores nothing;
this module stores them. Each document goes through the same corpus pipeline as a file
(segmentation, boilerplate flags, metadata rules), with the metadata the document states
(title, outlet, date, byline) taking precedence over what the text suggests. An article is
keyed by its locator (page URL, entry link, 'data.jsonl#row-12'): the same locator again with
the same text is left alone, with new text it is updated. The raw page, when there is one, is
kept zlib-compressed in `raw`, so a better extractor can run again without the network.
Rows are written in batches, each its own transaction, as `ingest.add_paths` does.

Feed sources (`kind = 'feed'`) also keep what the last fetch returned: ETag and Last-Modified
for the next conditional GET, when it ran, and its one-line error.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from newsreader.corpus.dates import normalise_date
from newsreader.corpus.models import Article
from newsreader.library import churn, fts
from newsreader.library.db import transaction
from newsreader.library.ingest import BATCH, parser_fingerprint, upsert_source, write_article
from newsreader.sources.models import FeedResult, FeedSpec, IncomingDocument

Progress = Callable[[int], None]


@dataclass
class DocumentsReport:
    """What one `add_documents` did."""

    source_id: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # one line each: locator and why
    article_ids: list[int] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)
    read_hashes: list[str] = field(default_factory=list)  # documents that came marked read
    cancelled: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "cancelled": self.cancelled,
        }


def document_article(doc: IncomingDocument) -> Article:
    """The library article for a document: the corpus pipeline over its clean text, with the
    document's own metadata first. Offsets point into `doc.text` (line endings normalised)."""
    from newsreader.corpus.loader import parse_text
    from newsreader.corpus.metadata import outlet_name

    # Not sniffed as HTML: the text is already clean, and may well contain a '<'.
    article = parse_text(doc.text, Path(doc.locator), html=False)
    if doc.title:
        article.title = doc.title
        at = article.text.find(doc.title)
        article.title_span = (at, at + len(doc.title)) if at >= 0 else None
    if doc.date:
        article.date = normalise_date(doc.date) or article.date
    article.byline = doc.byline or article.byline
    if doc.outlet:
        article.outlet = outlet_name(doc.outlet, article.text) or doc.outlet
    return article


def add_documents(
    conn: sqlite3.Connection,
    kind: str,
    source_locator: str,
    source_name: str | None,
    docs: Iterable[IncomingDocument],
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> DocumentsReport:
    """Store `docs` under the source (`kind`, `source_locator`), created when new."""
    report = DocumentsReport()
    parser = parser_fingerprint()
    with transaction(conn):
        report.source_id = upsert_source(conn, kind, source_locator, source_name)
    pending: list[tuple[IncomingDocument, Article]] = []

    def flush() -> None:
        arrived: list[tuple[int, Article]] = []
        with transaction(conn):
            to_index: list[int] = []
            for doc, article in pending:
                row = conn.execute(
                    "SELECT id, content_hash, parser FROM article WHERE locator = ?",
                    (doc.locator,),
                ).fetchone()
                if (
                    row is not None
                    and row["content_hash"] == article.content_hash
                    and (row["parser"] == parser)
                ):
                    report.unchanged += 1
                    report.article_ids.append(int(row["id"]))
                else:
                    aid = write_article(
                        conn,
                        article,
                        source_id=report.source_id,
                        locator=doc.locator,
                        parser=parser,
                        size=len(doc.raw) if doc.raw is not None else len(doc.text),
                        existing_id=int(row["id"]) if row is not None else None,
                        defer_index=to_index,
                    )
                    if doc.raw is not None:
                        conn.execute(
                            "INSERT OR REPLACE INTO raw(article_id, content_type, data) "
                            "VALUES (?, ?, ?)",
                            (aid, doc.raw_type, zlib.compress(doc.raw, 6)),
                        )
                    report.article_ids.append(aid)
                    report.changed_ids.append(aid)
                    arrived.append((aid, article))
                    if row is None:
                        report.added += 1
                    else:
                        report.updated += 1
                if doc.read:
                    report.read_hashes.append(article.content_hash)
            fts.index_articles(conn, to_index)
        pending.clear()
        churn.check_new(conn, arrived, cancel=cancel)

    done = 0
    for doc in docs:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        try:
            article = document_article(doc)
        except (ValueError, RecursionError, MemoryError) as e:  # one bad document, not the rest
            report.skipped.append(f"{doc.locator}: could not parse ({type(e).__name__})")
            continue
        if not article.paragraphs:
            report.skipped.append(f"{doc.locator}: no text")
            continue
        pending.append((doc, article))
        done += 1
        if len(pending) >= BATCH:
            flush()
            if progress is not None:
                progress(done)
    if pending:
        flush()
    if progress is not None:
        progress(done)
    return report


@dataclass(frozen=True, slots=True)
class FeedSource:
    id: int
    spec: FeedSpec
    fetched_at: float | None
    last_error: str | None
    articles: int


def feed_sources(conn: sqlite3.Connection) -> list[FeedSource]:
    rows = conn.execute(
        "SELECT s.id, s.locator, s.name, s.etag, s.last_modified, s.fetched_at, s.last_error, "
        "count(a.id) AS n FROM source s LEFT JOIN article a ON a.source_id = s.id "
        "WHERE s.kind = 'feed' GROUP BY s.id ORDER BY s.id"
    ).fetchall()
    return [
        FeedSource(
            r["id"],
            FeedSpec(r["locator"], r["name"], r["etag"], r["last_modified"]),
            r["fetched_at"],
            r["last_error"],
            r["n"],
        )
        for r in rows
    ]


def add_feed(
    conn: sqlite3.Connection,
    url: str,
    name: str | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> tuple[int, bool]:
    """Add a feed source (or name an existing one); returns (its id, whether it is new)."""
    with transaction(conn):
        row = conn.execute("SELECT id, kind FROM source WHERE locator = ?", (url,)).fetchone()
        if row is not None:
            if name:
                conn.execute("UPDATE source SET name = ? WHERE id = ?", (name, row["id"]))
            return int(row["id"]), False
        sid = upsert_source(conn, "feed", url, name)
        if etag or last_modified:
            conn.execute(
                "UPDATE source SET etag = ?, last_modified = ? WHERE id = ?",
                (etag, last_modified, sid),
            )
        return sid, True


def known_locators(conn: sqlite3.Connection, source_ids: Iterable[int]) -> set[str]:
    """Article locators already stored under these sources (their pages are not fetched)."""
    ids = list(source_ids)
    out: set[str] = set()
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT locator FROM article WHERE source_id IN ({marks})"
        out.update(r[0] for r in conn.execute(sql, chunk))
    return out


def record_fetch(conn: sqlite3.Connection, source_id: int, result: FeedResult) -> None:
    """Remember what a fetch returned: validators for the next conditional GET, its error, and
    the feed's title as the source's name when it has none."""
    with transaction(conn):
        if result.error is not None:
            conn.execute(
                "UPDATE source SET fetched_at = ?, last_error = ? WHERE id = ?",
                (time.time(), result.error, source_id),
            )
            return
        conn.execute(
            "UPDATE source SET fetched_at = ?, last_error = NULL, etag = ?, last_modified = ?, "
            "name = coalesce(name, ?) WHERE id = ?",
            (time.time(), result.etag, result.last_modified, result.title, source_id),
        )
