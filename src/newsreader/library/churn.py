"""Churn on arrival: how much of each new article was reused from a press release in the library.

Every article the library stores (a file, a feed entry, a page, a dataset row) is checked as it
arrives against the library's press releases (`kind = 'press_release'`, from the corpus's
metadata rules). Candidates are found cheaply: each release's word 5-gram shingles are kept,
hashed, in `release_shingle`, and a new article's shingles are looked up there, so the cost of
a check depends on the article and on how many releases share its phrases, not on the size of
the library. The releases sharing most shingles (at least `MIN_SHARED`) are verified with
`compare_articles`; the one the new article reused most, when that is at least `MIN_PCT`
percent of it, is stored in `churn` (one row per article).

A release arriving after its coverage finds it too: phrases spread over the release are looked
up in the library's search index (`fts.phrase_counts`), and the articles holding several of them
are checked again. A release that changes or goes re-checks the articles that pointed at it.
Both tables cascade with `article`.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from newsreader.corpus.models import Article
from newsreader.library.stored import LIST_COLUMNS, StoredArticle, TextSource

RELEASE_KIND = "press_release"
SHINGLE = 5  # words: long enough that stock phrases rarely match, short enough for light edits
MIN_SHARED = 3  # shingles a release must share with an article to be compared at all
TOP_CANDIDATES = 3  # releases verified per article, most shared shingles first
MIN_PCT = 10.0  # share of the article reused from a release below which no badge is stored
# A release arriving after its coverage: phrases of it looked up in the search index, how many
# an earlier article must hold to be checked again, and how many articles are checked at most.
PROBES = 24
MIN_PROBES = 2
MAX_EARLIER = 200
SHORT_SOURCE = 24  # characters of the release's outlet (or title) in a list badge
IN_MEMORY = 400_000  # release shingles a batch of checks holds as a set (~30 MB at most)
_CHUNK = 500  # hashes per lookup (SQLite's variable limit is far above; keeps plans simple)
_WORD = re.compile(r"\w+")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """As `db.transaction` (db imports this module for its migration step, so not from there)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _create(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE release_shingle (
            hash INTEGER NOT NULL,
            release_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            PRIMARY KEY (hash, release_id)
        ) WITHOUT ROWID"""
    )
    # The cascade from `article` and re-indexing a changed release look rows up by release.
    conn.execute("CREATE INDEX release_shingle_release ON release_shingle(release_id)")
    conn.execute(
        """CREATE TABLE churn (
            article_id INTEGER PRIMARY KEY REFERENCES article(id) ON DELETE CASCADE,
            release_id INTEGER NOT NULL REFERENCES article(id) ON DELETE CASCADE,
            reused_pct REAL NOT NULL,   -- share of the article's text inside shared passages
            passages INTEGER NOT NULL,
            checked_at REAL NOT NULL
        )"""
    )
    conn.execute("CREATE INDEX churn_release ON churn(release_id)")
    # Releases already in the library become candidates for what arrives from now on.
    source = TextSource(conn)
    ids = [
        int(r[0]) for r in conn.execute("SELECT id FROM article WHERE kind = ?", (RELEASE_KIND,))
    ]
    for i in range(0, len(ids), 200):
        _index_releases(conn, [(aid, _stored(conn, source, aid)) for aid in ids[i : i + 200]])


# Appended to the library's migrations (db._migrations): one step, creating both tables.
MIGRATIONS = (_create,)


@dataclass(frozen=True, slots=True)
class ChurnMatch:
    """The release an article reused most: `reused_pct` of the article's text is inside
    passages it shares with `release_id` (`passages` of them). Titles are untrusted text."""

    article_id: int
    release_id: int
    reused_pct: float
    passages: int
    release_title: str
    release_outlet: str | None
    release_locator: str

    @property
    def label(self) -> str:
        """`72% from PR Newswire: <title>`, raw (whoever displays it cleans it)."""
        where = f"{self.release_outlet}: " if self.release_outlet else ""
        return f"{self.reused_pct:.0f}% from {where}{self.release_title}"

    @property
    def short_label(self) -> str:
        """`72% from PR Newswire` (the release's title, cut, when it names no outlet): the list
        row's badge, which must leave room for the article's own outlet and date."""
        where = self.release_outlet or self.release_title
        if len(where) > SHORT_SOURCE:
            where = where[: SHORT_SOURCE - 1] + "…"
        return f"{self.reused_pct:.0f}% from {where}"

    def to_json(self) -> dict[str, object]:
        return {
            "reused_pct": round(self.reused_pct, 1),
            "passages": self.passages,
            "release": {
                "id": self.release_id,
                "title": self.release_title,
                "outlet": self.release_outlet,
                "locator": self.release_locator,
            },
        }


def shingles(article: Article) -> set[int]:
    """Hashed word 5-grams of the article's text outside boilerplate paragraphs (casefolded:
    a headline in capitals still matches). Stable across runs (not Python's `hash`): CRC-32
    and Adler-32 of the gram side by side, a signed 64-bit key: two C calls a gram, where
    blake2b cost three times as much per gram, paid by every article stored."""
    parts = [article.text[p.start : p.end] for p in article.paragraphs if not p.boilerplate]
    words = _WORD.findall(" ".join(parts).casefold())
    # Every step a C loop (zip, map) but the last: the grams, their bytes, both checksums.
    runs = zip(*(words[i:] for i in range(SHINGLE)), strict=False)  # shorter tails end it
    grams = [g.encode() for g in map(" ".join, runs)]
    checks = zip(map(zlib.crc32, grams), map(zlib.adler32, grams), strict=True)
    return {(crc << 32 | adler) - _SIGN for crc, adler in checks}


_SIGN = 1 << 63  # unsigned 64 bits -> SQLite's signed INTEGER


def _rehash_releases(conn: sqlite3.Connection) -> None:
    """Migration: the releases' shingles again, under `shingles`'s current hash."""
    from newsreader.corpus.models import unpack_paragraphs

    conn.execute("DELETE FROM release_shingle")
    rows = conn.execute(
        "SELECT id, locator, text, paragraphs FROM article WHERE kind = ?", (RELEASE_KIND,)
    )
    _index_releases(
        conn,
        [
            (aid, Article(Path(locator), text, paragraphs=unpack_paragraphs(packed)))
            for aid, locator, text, packed in rows.fetchall()
        ],
    )


REHASH = _rehash_releases  # a later migration step (db._migrations), after the hash changed


def _stored(conn: sqlite3.Connection, source: TextSource, article_id: int) -> Article:
    row = conn.execute(f"SELECT {LIST_COLUMNS} FROM article WHERE id = ?", (article_id,)).fetchone()
    return StoredArticle.from_row(row, source)


def _index_releases(conn: sqlite3.Connection, releases: Sequence[tuple[int, Article]]) -> None:
    """Replace the shingles of these releases (inside the caller's transaction)."""
    for aid, article in releases:
        conn.execute("DELETE FROM release_shingle WHERE release_id = ?", (aid,))
        conn.executemany(
            "INSERT OR IGNORE INTO release_shingle(hash, release_id) VALUES (?, ?)",
            [(h, aid) for h in shingles(article)],
        )


def release_hashes(conn: sqlite3.Connection) -> frozenset[int] | None:
    """Every release shingle, for a batch of checks to test in memory (None when there are
    more than `IN_MEMORY`: then each check asks the table)."""
    n = conn.execute("SELECT count(*) FROM release_shingle").fetchone()[0]
    if n > IN_MEMORY:
        return None
    return frozenset(r[0] for r in conn.execute("SELECT hash FROM release_shingle"))


def candidates(
    conn: sqlite3.Connection,
    article: Article,
    exclude: int | None = None,
    known: frozenset[int] | None = None,
) -> list[int]:
    """Releases sharing at least `MIN_SHARED` shingles with `article`, most shared first (at
    most `TOP_CANDIDATES`). `known`: `release_hashes`, when the caller holds them."""
    found = shingles(article)
    if known is not None:
        # Most articles reuse no release: found in memory, with no query (an ingest of 10k
        # articles spent half its time asking the table 500 shingles at a time).
        found &= known
        if len(found) < MIN_SHARED:
            return []
    hashes = list(found)
    shared: Counter[int] = Counter()
    for i in range(0, len(hashes), _CHUNK):
        chunk = hashes[i : i + _CHUNK]
        rows = conn.execute(
            "SELECT release_id, count(*) FROM release_shingle "
            f"WHERE hash IN ({','.join('?' * len(chunk))}) GROUP BY release_id",
            chunk,
        )
        for rid, n in rows:
            if rid != exclude:
                shared[int(rid)] += int(n)
    ranked = sorted(
        (rid for rid, n in shared.items() if n >= MIN_SHARED), key=lambda r: (-shared[r], r)
    )
    return ranked[:TOP_CANDIDATES]


def check_article(
    conn: sqlite3.Connection,
    article: Article,
    article_id: int | None = None,
    *,
    cancel: threading.Event | None = None,
    known: frozenset[int] | None = None,
) -> tuple[int, float, int] | None:
    """(release id, reused pct, passages) of the release `article` reused most, or None when
    no release reaches `MIN_PCT`. Reads only. `known`: as for `candidates`."""
    from newsreader.reuse import compare_articles  # the engine only when a check runs

    found = candidates(conn, article, exclude=article_id, known=known)
    if not found:
        return None
    source = TextSource(conn)
    best: tuple[int, float, int] | None = None
    for rid in found:
        if cancel is not None and cancel.is_set():
            break
        comparison = compare_articles(article, _stored(conn, source, rid), cancel=cancel)
        pct = comparison.a_reused_pct
        if pct >= MIN_PCT and (best is None or pct > best[1]):
            best = (rid, pct, len(comparison.passages))
    return best


def check_new(
    conn: sqlite3.Connection,
    arrived: Iterable[tuple[int, Article]],
    *,
    cancel: threading.Event | None = None,
) -> int:
    """Churn for articles just stored or changed (their ids and parsed articles): releases
    among them are indexed first (a release and its coverage can arrive in one batch), then
    the others are checked. Runs its own transactions; returns how many got a match."""
    items = list(arrived)
    if not items:
        return 0
    ids = [aid for aid, _ in items]
    releases = [(aid, a) for aid, a in items if a.kind == RELEASE_KIND]
    others = [(aid, a) for aid, a in items if a.kind != RELEASE_KIND]
    with transaction(conn):
        stale = _dependants(conn, ids)  # coverage of a release that just changed
        for i in range(0, len(ids), _CHUNK):
            chunk = ids[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            conn.execute(f"DELETE FROM churn WHERE article_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM churn WHERE release_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM release_shingle WHERE release_id IN ({marks})", chunk)
        _index_releases(conn, releases)
    if conn.execute("SELECT 1 FROM release_shingle LIMIT 1").fetchone() is None:
        return 0  # no releases in the library: nothing to be churned from
    earlier = _earlier_coverage(conn, releases, set(ids), cancel)
    if stale or earlier:
        source = TextSource(conn)
        known = set(ids)
        again = dict.fromkeys(a for a in [*stale, *earlier] if a not in known)
        others += [(aid, _stored(conn, source, aid)) for aid in again]
    found: list[tuple[int, int, float, int, float]] = []
    hashes = release_hashes(conn)
    for aid, article in others:
        if cancel is not None and cancel.is_set():
            break
        best = check_article(conn, article, aid, cancel=cancel, known=hashes)
        if best is not None:
            found.append((aid, *best, time.time()))
    if found:
        with transaction(conn):
            conn.executemany(
                "INSERT OR REPLACE INTO churn(article_id, release_id, reused_pct, passages, "
                "checked_at) VALUES (?, ?, ?, ?, ?)",
                found,
            )
    return len(found)


def _earlier_coverage(
    conn: sqlite3.Connection,
    releases: Sequence[tuple[int, Article]],
    arrived: set[int],
    cancel: threading.Event | None,
) -> list[int]:
    """Articles already in the library that hold several phrases of these new releases (the
    coverage came first): they are checked again, against every release."""
    from newsreader.library import fts

    out: list[int] = []
    for _, release in releases:
        if cancel is not None and cancel.is_set():
            break
        body = "\n".join(
            release.text[p.start : p.end] for p in release.paragraphs if not p.boilerplate
        )
        counts = fts.phrase_counts(conn, body, size=SHINGLE, probes=PROBES, limit=MAX_EARLIER)
        found = [aid for aid, n in counts.most_common() if n >= MIN_PROBES and aid not in arrived]
        kinds = dict(
            conn.execute(
                "SELECT id, kind FROM article WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(found[:MAX_EARLIER]),),
            ).fetchall()
        )
        out += [aid for aid in found[:MAX_EARLIER] if kinds.get(aid, RELEASE_KIND) != RELEASE_KIND]
    return out


def _dependants(conn: sqlite3.Connection, release_ids: Sequence[int]) -> list[int]:
    out: list[int] = []
    for i in range(0, len(release_ids), _CHUNK):
        chunk = release_ids[i : i + _CHUNK]
        marks = ",".join("?" * len(chunk))
        out += [
            int(r[0])
            for r in conn.execute(
                f"SELECT article_id FROM churn WHERE release_id IN ({marks})", chunk
            )
        ]
    return out


def matches(conn: sqlite3.Connection, ids: Sequence[int] | None = None) -> dict[int, ChurnMatch]:
    """The stored matches by article id (of `ids`, or of the whole library)."""
    sql = (
        "SELECT c.article_id, c.release_id, c.reused_pct, c.passages, r.display_title, "
        "r.outlet, r.locator FROM churn c JOIN article r ON r.id = c.release_id"
    )
    rows: list[sqlite3.Row] = []
    if ids is None:
        rows = conn.execute(sql).fetchall()
    else:
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), _CHUNK):
            chunk = wanted[i : i + _CHUNK]
            marks = ",".join("?" * len(chunk))
            rows += conn.execute(sql + f" WHERE c.article_id IN ({marks})", chunk).fetchall()
    return {int(r[0]): ChurnMatch(*r) for r in rows}
