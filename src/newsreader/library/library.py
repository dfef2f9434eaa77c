"""`Library`: the one object the reader and the CLI hold; every question goes through it.

It owns two connections to the database: one that writes (ingest, removals; one writer at a
time, batched) and one that reads (lists, article text, search), so a long ingest in a worker
never blocks the list or a search (WAL readers do not wait for writers).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import ChainMap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader import paths as app_paths
from newsreader.corpus.models import Corpus
from newsreader.library import churn, db, fts, incoming, ingest
from newsreader.library.stored import LIST_COLUMNS, StoredArticle, TextSource
from newsreader.progress import StageProgress
from newsreader.search.hit import Hit
from newsreader.sources.models import FeedResult, IncomingDocument
from newsreader.store.state import classify_error

if TYPE_CHECKING:
    from newsreader.library import derived

_SEEDED = "seeded"  # meta key: the bundled seeds were added once; removing them sticks


@dataclass(frozen=True, slots=True)
class SourceInfo:
    id: int
    kind: str
    locator: str
    name: str | None
    articles: int
    missing: int

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "locator": self.locator,
            "name": self.name,
            "articles": self.articles,
            "missing": self.missing,
        }


class Library:
    """The library database at `path` (default: the user data dir); see the module docstring."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or db.default_path()
        self.warnings: list[str] = []
        self.read_only = False
        try:
            self.conn = db.open_library(self.path, warn=self.warnings.append)
        except db.LibraryError as e:
            # A library we may not write (a read-only disk or folder) can still be read.
            conn = db.open_read_only(self.path)
            if conn is None:
                raise
            self.conn, self.read_only = conn, True
            self.warnings.append(f"{e}; opened read-only (nothing can be added)")
        self._write_lock = threading.Lock()
        try:
            # Not query_only: search keeps a TEMP table of the view's ids on this connection.
            reader = self.conn if self.read_only else db.open_library(self.path)
        except db.LibraryError:
            reader = self.conn
        self.reader = TextSource(reader)

    def close(self) -> None:
        if self.reader.conn is not self.conn:
            self.reader.conn.close()
        self.conn.close()

    def interrupt(self) -> None:
        """Abort the statements running on this library's connections (from another thread:
        the reader quitting while a worker walks a big library). Each gets SQLite's
        "interrupted" error; a transaction it was in is rolled back, nothing half-written."""
        self.conn.interrupt()
        if self.reader.conn is not self.conn:
            self.reader.conn.interrupt()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing --------------------------------------------------------------------------------

    def _refuse_if_read_only(self, what: str = "") -> None:
        if self.read_only:
            raise db.LibraryError(f"the library {self.path} is read-only{what}")

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time on the write connection (the reader's watcher and fetch write
        too); SQLite's trouble (full disk, locked, damaged) comes out as one `LibraryError`."""
        with self._write_lock:
            try:
                yield
                # Here, not at open: a `search` must never wait for another process's ingest.
                # Housekeeping: a busy database leaves it to the next write, never fails this.
                with contextlib.suppress(sqlite3.Error):
                    db.prune_changes(self.conn)
            except sqlite3.Error as e:
                raise _as_library_error(e, self.path) from None

    def add_paths(
        self,
        paths: Sequence[str | Path],
        *,
        cancel: threading.Event | None = None,
        progress: ingest.Progress | None = None,
    ) -> ingest.IngestReport:
        self._refuse_if_read_only(": nothing can be added")
        with self._writing():
            report = ingest.add_paths(self.conn, paths, cancel=cancel, progress=progress)
            if not report.cancelled:
                self._derive_new(report.changed_ids, cancel)
            return report

    def derive(
        self,
        ids: Sequence[int] | None = None,
        *,
        top: int | None = None,
        cancel: threading.Event | None = None,
        stages: StageProgress | None = None,
        articles: Sequence[StoredArticle] = (),
    ) -> derived.Engine:
        """Related neighbours and stored verdicts for the library (`ids` None) or a view of
        it, up to date; see `derived.engine` (`articles`: objects to use for these rows, e.g.
        the reader's list; `top`: neighbours per article, `derived.K` when None). Raises
        `LibraryError` on a read-only library."""
        # Imported when used: it brings the reuse engine, which listing and searching the
        # library never need (0.28 s of every command's start).
        from newsreader.library import derived

        top = derived.K if top is None else top
        if ids is not None and len(set(ids)) == self.count():
            ids = None  # the view is the whole library: its stored neighbours answer
        self._refuse_if_read_only()
        with self._writing():
            return derived.engine(
                self.conn,
                self.reader,
                ids,
                top=top,
                cancel=cancel,
                stages=stages,
                articles=articles,
                lock=self._write_lock,
            )

    def refresh(
        self,
        *,
        cancel: threading.Event | None = None,
        progress: ingest.Progress | None = None,
    ) -> ingest.IngestReport:
        """Look again at every folder and file source: new, changed and vanished files."""
        local = [s.locator for s in self.sources() if s.kind in ("folder", "file")]
        return self.add_paths(local, cancel=cancel, progress=progress)

    def update_files(
        self, paths: Sequence[str | Path], *, cancel: threading.Event | None = None
    ) -> ingest.IngestReport:
        """Ingest just these files (saved, changed or deleted inside the library's folder and
        file sources, as a watcher reports them), each under the source that holds it; paths
        outside every source are ignored. No folder is walked again."""
        report = ingest.IngestReport()
        if self.read_only:
            return report
        by_source: dict[int, list[str]] = {}
        sources = [s for s in self.sources() if s.kind in ("folder", "file")]
        for p in paths:
            path = str(Path(p).absolute())
            owner = max(
                (s for s in sources if path == s.locator or path.startswith(s.locator + "/")),
                key=lambda s: len(s.locator),
                default=None,
            )
            if owner is not None:
                by_source.setdefault(owner.id, []).append(path)
        for source_id, files in by_source.items():
            with self._writing():
                one = ingest.add_paths(self.conn, files, cancel=cancel, into=source_id)
            for name in ("added", "updated", "unchanged", "missing", "newly_missing"):
                setattr(report, name, getattr(report, name) + getattr(one, name))
            report.skipped += one.skipped
            report.article_ids += one.article_ids
            report.changed_ids += one.changed_ids
            report.gone_ids += one.gone_ids
            report.source_ids.append(source_id)
            report.cancelled |= one.cancelled
        return report

    def feeds(self) -> list[incoming.FeedSource]:
        with self._write_lock:  # the writer's connection: feed state is written there too
            return incoming.feed_sources(self.conn)

    def add_documents(
        self,
        kind: str,
        source_locator: str,
        source_name: str | None,
        docs: Iterable[IncomingDocument],
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> incoming.DocumentsReport:
        """Store documents (a page, a feed's entries, dataset rows) under their source, like
        `add_paths` does files: a few new ones get their neighbours and aligned pairs at once."""
        self._refuse_if_read_only(": nothing can be added")
        with self._writing():
            report = incoming.add_documents(
                self.conn,
                kind,
                source_locator,
                source_name,
                docs,
                cancel=cancel,
                progress=progress,
            )
            self._derive_new(report.changed_ids, cancel)
            return report

    def settle_search(self, indexed: int, cancel: threading.Event | None = None) -> None:
        """After `indexed` articles came in through many adds (a fetch of many feeds, an
        import), merge the search index as one bulk add of them would (`fts.settle`)."""
        if self.read_only:
            return
        with self._writing():
            fts.settle(self.conn, indexed, cancel=cancel)

    def _derive_new(self, changed: Sequence[int], cancel: threading.Event | None) -> None:
        from newsreader.library import derived

        # A few new articles get their neighbours and aligned pairs now (cheap); many are
        # left to the next `derive`, which rebuilds at once.
        derived.update_after_ingest(self.conn, self.reader, changed, cancel=cancel)

    def fetch_feeds(
        self,
        feeds: Sequence[incoming.FeedSource] | None = None,
        *,
        cancel: threading.Event | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        full_text: bool = True,
    ) -> Iterator[tuple[FeedResult, incoming.DocumentsReport | None]]:
        """Fetch `feeds` (default: every feed) and store what each brings as it completes
        (checked for churn on the way): yields each feed's result and what was stored. The
        only network use besides `add URL`; per-feed trouble is in the result's `error`."""
        from newsreader.sources.feeds import iter_fetch_feeds  # httpx, trafilatura: on use

        self._refuse_if_read_only(": nothing can be added")
        feeds = list(self.feeds() if feeds is None else feeds)
        by_url = {f.spec.url: f for f in feeds}
        with self._write_lock:
            known = incoming.known_locators(self.conn, [f.id for f in feeds])
        indexed = 0
        for result in iter_fetch_feeds(
            [f.spec for f in feeds],
            cancel=cancel,
            progress=progress,
            full_text=full_text,
            known=known,
        ):
            source = by_url[result.url]
            report = None
            with self._writing():
                if result.documents:
                    report = incoming.add_documents(
                        self.conn,
                        "feed",
                        result.url,
                        source.spec.name,
                        # Not cancelled halfway: the feed's ETag is recorded next, and
                        # entries left out would never be fetched again.
                        result.documents,
                    )
                    self._derive_new(report.changed_ids, None)
                    indexed += len(report.changed_ids)
                recorded = result
                if cancel is not None and cancel.is_set():
                    # Some of its pages may not have been read: without the validators the
                    # next fetch reads the whole feed again instead of a 304.
                    recorded = replace(result, etag=None, last_modified=None)
                incoming.record_fetch(self.conn, source.id, recorded)
            yield result, report
        self.settle_search(indexed, cancel)

    def ensure_seeded(self) -> None:
        """Add the bundled seeds the first time the library is opened (once: a user who removes
        them does not get them back)."""
        if self.read_only or self.meta(_SEEDED) is not None:
            return
        self.add_paths([app_paths.seeds_dir()])
        self.set_meta(_SEEDED, "1")

    def remove(self, ref: str) -> tuple[SourceInfo, int]:
        """Forget the source named by `ref` (its path, URL, name or id); returns it and how
        many articles went with it. Raises `KeyError` with a message when nothing matches."""
        source = self.find_source(ref)
        self._refuse_if_read_only(": nothing can be removed")
        with self._writing():
            count = ingest.remove_source(self.conn, source.id)
        return source, count

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._write_lock, db.transaction(self.conn):
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- reading --------------------------------------------------------------------------------

    def sources(self) -> list[SourceInfo]:
        rows = self._read(
            "SELECT s.id, s.kind, s.locator, s.name, count(a.id) AS n, "
            "coalesce(sum(a.missing), 0) AS m FROM source s "
            "LEFT JOIN article a ON a.source_id = s.id GROUP BY s.id ORDER BY s.id"
        )
        return [SourceInfo(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows]

    def find_source(self, ref: str) -> SourceInfo:
        sources = self.sources()
        candidates = _path_keys(ref)
        for s in sources:
            if s.locator in candidates or str(s.id) == ref:
                return s
        named = [s for s in sources if s.name == ref]
        if len(named) == 1:
            return named[0]
        raise KeyError(f"no source {ref!r} in the library (see `newsreader sources`)")

    def count(self) -> int:
        return int(self._read("SELECT count(*) FROM article")[0][0])

    def articles(self, ids: Sequence[int] | None = None) -> list[StoredArticle]:
        """Articles with their metadata (text on first use), in the list's order: by locator,
        as the folder view always was. `ids` narrows to a view of the library."""
        sql = f"SELECT {LIST_COLUMNS} FROM article"
        if ids is None:
            rows = self._read(sql + " ORDER BY locator")
        else:
            rows = []
            wanted = sorted(set(ids))
            for i in range(0, len(wanted), 900):
                chunk = wanted[i : i + 900]
                rows += self._read(sql + f" WHERE id IN ({','.join('?' * len(chunk))})", chunk)
            rows.sort(key=lambda r: r["locator"])
        return [StoredArticle.from_row(r, self.reader) for r in rows]

    def change_mark(self) -> int:
        """Where the change log stands: `changes_since(mark)` later says what changed since."""
        row = self._read("SELECT max(seq) FROM article_change")
        return int(row[0][0] or 0)

    def changes_since(self, mark: int) -> tuple[int, list[StoredArticle], list[int]] | None:
        """What any process added, changed (as the list shows it) or removed since `mark`:
        (the new mark, the rows added or changed, the ids removed). None when the log no
        longer reaches back that far (it is pruned): read the whole list again."""
        rows = self._read(
            "SELECT seq, article_id FROM article_change WHERE seq > ? ORDER BY seq", (mark,)
        )
        pruned = self._read("SELECT value FROM meta WHERE key = ?", (db.CHANGES_PRUNED,))
        if pruned and mark < int(pruned[0][0]):
            return None
        if not rows:
            return mark, [], []
        ids = list(dict.fromkeys(int(r[1]) for r in rows))
        found = self.articles(ids)
        present = {a.article_id for a in found}
        return int(rows[-1][0]), found, [i for i in ids if i not in present]

    def watched_sources(self) -> tuple[list[str], list[str]]:
        """The folder and file sources' locators (what the reader watches), cheaply: no
        article counts."""
        rows = self._read("SELECT kind, locator FROM source WHERE kind IN ('folder', 'file')")
        return [r[1] for r in rows if r[0] == "folder"], [r[1] for r in rows if r[0] == "file"]

    def newest(self, limit: int) -> list[StoredArticle] | None:
        """The `limit` newest dated articles, newest first (equal dates by title): what the
        reader's list sorted by date shows first, read by the date index without reading the
        whole list. None when fewer articles are dated (the whole list is then small, or
        mostly undated, and is read as it is)."""
        sql = f"SELECT {LIST_COLUMNS} FROM article WHERE date > ''"
        rows = self._read(sql + " ORDER BY date DESC LIMIT ?", (limit,))
        if len(rows) < limit:
            return None
        # Every article of the last date shown: which of them come first depends on titles,
        # a key SQL cannot give (Unicode casefolding); the caller sorts and cuts.
        last = rows[-1]["date"]
        rows = [r for r in rows if r["date"] != last]
        ties = self._read(sql + " AND date = ? LIMIT ?", (last, 20 * limit))
        if len(ties) == 20 * limit:
            return None  # one date for most of the library: no quick first page
        return [StoredArticle.from_row(r, self.reader) for r in rows + ties]

    def corpus(self, ids: Sequence[int] | None = None, name: str = "library") -> Corpus:
        return Corpus(articles=list(self.articles(ids)), name=name)

    def article(self, article_id: int) -> StoredArticle | None:
        rows = self._read(f"SELECT {LIST_COLUMNS} FROM article WHERE id = ?", (article_id,))
        return StoredArticle.from_row(rows[0], self.reader) if rows else None

    def resolve(self, ref: str, within: Sequence[StoredArticle] | None = None) -> StoredArticle:
        """The article named by `ref`: its id, its path (as given or resolved), its URL, or a
        unique start of its file name or title. Raises `KeyError` with a one-line message."""
        pool = list(within) if within is not None else None
        if ref.isdigit():
            found = self.article(int(ref))
            if found is not None and (pool is None or found in pool):
                return found
        keys = _path_keys(ref)
        if pool is None:
            for key in keys:
                rows = self._read(f"SELECT {LIST_COLUMNS} FROM article WHERE locator = ?", (key,))
                if rows:
                    return StoredArticle.from_row(rows[0], self.reader)
            pool = self.articles()
        else:
            for a in pool:
                if a.locator in keys:
                    return a
        low = ref.lower()
        matches = [
            a
            for a in pool
            if Path(a.locator).name.lower().startswith(low)
            or a.display_title.lower().startswith(low)
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise KeyError(f"no article {ref!r} in the library")
        names = ", ".join(f"{a.article_id} ({Path(a.locator).name})" for a in matches[:5])
        raise KeyError(f"{ref!r} names {len(matches)} articles: {names}; give an id or path")

    def similar(self, article_id: int, top: int) -> list[tuple[int, float | None]]:
        """(article id, score) of the articles most like this one, best first, without
        loading the library: the stored related index (its scores, as `related` ranks) when
        it was built and knows this article's current text, else the search index (no score,
        only an order: a candidate list for the compare picker)."""
        from newsreader.library import derived, fts

        with self.reader.lock:
            try:
                conn = self.reader.conn
                current = conn.execute(
                    "SELECT 1 FROM analysis n JOIN article a ON a.id = n.article_id "
                    "AND a.content_hash = n.content_hash WHERE a.id = ?",
                    (article_id,),
                ).fetchone()
                if current is not None and derived.built(conn):
                    index = derived.StoredIndex(conn, self.reader)
                    article = index.article(article_id)
                    if article is not None:
                        return [
                            (r.article.article_id, r.score)  # type: ignore[attr-defined]
                            for r in index.related(article, top)
                        ]
                row = conn.execute("SELECT text FROM article WHERE id = ?", (article_id,))
                found = row.fetchone()
                if found is None:
                    return []
                ids = fts.more_like(conn, found[0], limit=top, exclude=article_id)
                return [(i, None) for i in ids]
            except sqlite3.Error as e:
                raise _as_library_error(e, self.path) from None

    def churn(self, ids: Sequence[int] | None = None) -> dict[int, churn.ChurnMatch]:
        """Which press release each article reused most, by article id (checked on arrival;
        only articles with a match of at least `churn.MIN_PCT` percent are present)."""
        with self.reader.lock:
            try:
                return churn.matches(self.reader.conn, ids)
            except sqlite3.Error as e:
                raise _as_library_error(e, self.path) from None

    def search(
        self,
        query: str,
        *,
        limit: int = 50,
        cancel: threading.Event | None = None,
        within: Sequence[int] | None = None,
    ) -> list[fts.LibraryHit]:
        with self.reader.lock:
            return fts.search(self.reader.conn, query, limit=limit, cancel=cancel, within=within)

    def hits(
        self,
        query: str,
        *,
        limit: int = 50,
        cancel: threading.Event | None = None,
        within: Sequence[int] | None = None,
        articles: dict[int, StoredArticle] | None = None,
    ) -> list[Hit]:
        """`search` as the reader and the CLI show it: each hit with its article (taken from
        `articles` by id when given, so the reader's list objects are reused)."""
        found = self.search(query, limit=limit, cancel=cancel, within=within)
        # The reader's map of 100k articles is read, never copied (a copy per keystroke took
        # longer than the search).
        known = articles if articles is not None else {}
        missing = [h.article_id for h in found if h.article_id not in known]
        fresh = {a.article_id: a for a in self.articles(missing)} if missing else {}
        by_id = ChainMap(known, fresh)
        return [
            Hit(
                by_id[h.article_id],
                h.score,
                h.start,
                h.end,
                h.snippet,
                tuple(h.snippet_highlights),
            )
            for h in found
            if h.article_id in by_id
        ]

    def _read(self, sql: str, params: Sequence[object] = ()) -> list[sqlite3.Row]:
        with self.reader.lock:
            try:
                return self.reader.conn.execute(sql, params).fetchall()
            except sqlite3.Error as e:
                raise _as_library_error(e, self.path) from None


def _path_keys(ref: str) -> set[str]:
    """How a locator given by the user may be stored: as typed, absolute, or resolved."""
    keys = {ref}
    if "://" not in ref:
        p = Path(ref).expanduser()
        keys.add(str(p.absolute()))
        with contextlib.suppress(OSError):
            keys.add(str(p.resolve()))
    return keys


def _as_library_error(e: sqlite3.Error, path: Path) -> db.LibraryError:
    kind = classify_error(e)
    if kind == "corrupt":
        return db.LibraryError(
            f"the library {path} is damaged ({e}); move it aside and add your folders again"
        )
    if kind == "unwritable":
        return db.LibraryError(f"cannot write the library {path} ({e}): disk full or read-only?")
    if kind == "busy":
        return db.LibraryError(f"the library {path} is busy (another newsreader is writing)")
    return db.LibraryError(f"library error: {e}")
