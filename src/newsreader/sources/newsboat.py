"""Moving in from newsboat: its urls file (the feeds) and its cache.db (the items and what
was read), so a newsboat user comes over with one command and keeps their read marks.

The cache is opened read-only (newsboat may be running). Items marked deleted are gone for
the user and skipped; `unread = 0` means read. Item content is the feed's HTML, turned into
plain text like any feed summary. URLs that newsboat runs commands for (`exec:`, `filter:`)
are never run here: they are reported and skipped, as are `query:` feeds (saved searches).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsreader.sources.extract import fragment_text
from newsreader.sources.models import FeedSpec, IncomingDocument


class NewsboatError(ValueError):
    """A newsboat file that cannot be read; the message is the one-line reason."""


@dataclass(frozen=True, slots=True)
class UrlLine:
    url: str
    name: str | None  # newsboat's `"~Custom name"` tag
    tags: tuple[str, ...]


def default_paths() -> tuple[Path | None, Path | None]:
    """newsboat's urls file and cache.db where it keeps them (XDG first, then ~/.newsboat)."""
    home = Path.home()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    urls = next(
        (p for p in (config / "newsboat" / "urls", home / ".newsboat" / "urls") if p.is_file()),
        None,
    )
    cache = next(
        (
            p
            for p in (data / "newsboat" / "cache.db", home / ".newsboat" / "cache.db")
            if p.is_file()
        ),
        None,
    )
    return urls, cache


def parse_urls(text: str) -> tuple[list[UrlLine], list[str]]:
    """The feeds in a newsboat urls file, and one line for each line skipped and why."""
    feeds: list[UrlLine] = []
    skipped: list[str] = []
    seen: set[str] = set()
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            words = shlex.split(stripped, comments=True)
        except ValueError as e:  # an unclosed quote
            skipped.append(f"line {n}: cannot read ({e})")
            continue
        if not words:
            continue
        url, tags = words[0], words[1:]
        if url.startswith("query:"):
            continue  # a saved search over other feeds, not a feed
        if url.startswith(("exec:", "filter:")):
            skipped.append(f"line {n}: {url.split(':', 1)[0]}: feeds run a command; not imported")
            continue
        if not url.startswith(("http://", "https://", "file://")):
            skipped.append(f"line {n}: not an http(s) URL: {url}")
            continue
        if url in seen:
            continue
        seen.add(url)
        name = next((t[1:].strip() for t in tags if t.startswith("~") and t[1:].strip()), None)
        plain = tuple(t for t in tags if not t.startswith(("~", "!")))
        feeds.append(UrlLine(url, name, plain))
    return feeds, skipped


def read_urls(path: Path) -> tuple[list[UrlLine], list[str]]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as e:
        raise NewsboatError(f"{path}: {e.strerror or e}") from None
    return parse_urls(text)


@dataclass(frozen=True, slots=True)
class CacheFeed:
    spec: FeedSpec  # url, title as name, etag and last-modified for the next conditional GET
    title: str | None


def _connect(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise NewsboatError(f"{path}: no such file")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        con.execute("SELECT 1 FROM rss_feed LIMIT 1")
        con.execute("SELECT 1 FROM rss_item LIMIT 1")
    except sqlite3.DatabaseError as e:
        raise NewsboatError(f"{path}: not a newsboat cache ({e})") from None
    con.row_factory = sqlite3.Row
    return con


def _columns(con: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in con.execute(f"PRAGMA table_info({table})")}


def read_cache_feeds(path: Path) -> list[CacheFeed]:
    """The feeds newsboat has fetched, with their titles and conditional-GET validators."""
    con = _connect(path)
    try:
        cols = _columns(con, "rss_feed")
        etag = "etag" if "etag" in cols else "NULL"
        modified = "lastmodified" if "lastmodified" in cols else "NULL"
        rows = con.execute(
            f"SELECT rssurl, title, {etag} AS etag, {modified} AS lastmodified FROM rss_feed"
        ).fetchall()
    except sqlite3.DatabaseError as e:
        raise NewsboatError(f"{path}: cannot read feeds ({e})") from None
    finally:
        con.close()
    feeds = []
    for row in rows:
        title = (row["title"] or "").strip() or None
        # newsboat stores Last-Modified as unix time; HTTP wants the date form.
        lm = row["lastmodified"]
        last_modified = (
            time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(lm))
            if isinstance(lm, int) and lm > 0
            else None
        )
        spec = FeedSpec(row["rssurl"], title, (row["etag"] or None), last_modified)
        feeds.append(CacheFeed(spec, title))
    return feeds


def iter_cache_items(path: Path) -> Iterator[tuple[str, IncomingDocument]]:
    """(feed URL, document) for each item newsboat kept and did not mark deleted, with its
    read flag. Items with no text at all (no content, no title) are skipped."""
    con = _connect(path)
    try:
        feeds = con.execute("SELECT rssurl, title FROM rss_feed")
        titles = {r["rssurl"]: r["title"] for r in feeds}
        cols = _columns(con, "rss_item")
        deleted = "deleted = 0" if "deleted" in cols else "1"
        rows = con.execute(
            "SELECT guid, title, author, url, feedurl, pubDate, content, unread FROM rss_item "
            f"WHERE {deleted} ORDER BY feedurl, pubDate, id"
        )
        for row in rows:
            doc = _item_document(row, (titles.get(row["feedurl"]) or "").strip() or None)
            if doc is not None:
                yield row["feedurl"], doc
    except sqlite3.DatabaseError as e:
        raise NewsboatError(f"{path}: cannot read items ({e})") from None
    finally:
        con.close()


def _item_document(row: sqlite3.Row, feed_title: str | None) -> IncomingDocument | None:
    title = " ".join((row["title"] or "").split()) or None
    text = fragment_text(row["content"] or "")
    if not text:
        if not title:
            return None
        text = title  # a title-only item (link blogs): still something to list and search
    url = (row["url"] or "").strip()
    guid = (row["guid"] or "").strip()
    locator = url or guid or f"{row['feedurl']}#{title}"
    pub = row["pubDate"]
    date = time.strftime("%Y-%m-%d", time.gmtime(pub)) if isinstance(pub, int) and pub > 0 else None
    return IncomingDocument(
        locator=locator,
        text=text,
        title=title,
        outlet=feed_title,
        date=date,
        byline=" ".join((row["author"] or "").split()) or None,
        read=not row["unread"],
        # The feed's text, not the page's: a later fetch of the page may find more.
        summary_only=True,
        url=url if url.startswith(("http://", "https://")) else None,
    )
