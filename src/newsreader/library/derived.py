"""What the engine derives from the library's articles, stored and kept up to date per article.

- `analysis`: each article's stem counts (as term ids), sampled shingle hashes, body length and
  short lines (for common lines), made once per content hash: no process tokenises an unchanged
  article again. `term` holds the stems and their document frequencies, `posting` the inverted
  index (term -> articles), so one article's neighbours are found without loading the library.
- `neighbour`: each article's top `K` related articles (rank, score, shared chars), as
  `RelatedIndex.related` ranks them.
- `verdict`: what aligning a candidate pair found (`clusters.Covered`: merged shared spans and
  reuse % of each side), valid while both articles keep the content hash it was made for, so a
  pair is aligned once. Edges are judged from it at read time (common lines and scores change as
  the library grows; the alignment does not).

Incremental, and honest about drift: a new or changed article gets its neighbours from the
library's current document frequencies, and is put into the lists of the articles it ranks
(where it beats their K-th); older lists keep the scores they were given. A full rebuild runs
when the library has grown by `GROWTH` since the last one (recorded in `meta`), or when more
than `REBUILD_SHARE` of it is pending, so drift stays bounded.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsreader.corpus.models import Article, Corpus, unpack_paragraphs
from newsreader.library import ranking
from newsreader.library.db import transaction
from newsreader.library.stored import LIST_COLUMNS, StoredArticle, TextSource
from newsreader.progress import StageProgress, check, stage
from newsreader.provenance.aligning import (
    pack_passages,
    pack_spans,
    unpack_passages,
    unpack_spans,
)
from newsreader.provenance.clusters import (
    MAX_VERIFY,
    TOP_K,
    Covered,
    candidate_pairs,
    is_sure,
)
from newsreader.provenance.common_lines import CommonLines, body_spans, line_units
from newsreader.reuse.models import Comparison
from newsreader.reuse.related import (
    RANKING_VERSION,
    Analyser,
    Neighbours,
    RelatedIndex,
    Relation,
    term_id,
    term_weights,
)

K = 10  # neighbours stored per article (story clusters use TOP_K of them, `related` 5 by default)
GROWTH = 1.5  # a full rebuild when the library has grown this much since the last one
REBUILD_SHARE = 0.05  # ... or when more than this share of it is pending (cheaper at once)
AT_ONCE = 20  # new articles ranked and aligned by `add` itself; more wait for `ensure`
BATCH = 200  # rows per transaction (a killed run keeps every finished batch)
# Analysing is ~1.5 ms of pure Python per article and a worker ~0.5 s to start: below this
# many articles (an `add` of a few, a small library) analysed here.
ANALYSE_IN_POOL = 2000
BULK = 2000  # from this many articles to analyse, postings are written once, at the end
_POSTINGS = "derived.postings"  # meta, while a bulk analysis has not written its postings
VERSION = "3"  # of the analysis: a new one makes every article pending again
_BUILT = "derived.built"  # meta: articles in the library at the last full neighbour build
_VERSION = "derived.version"
_RANKING = "derived.ranking"  # meta: `related.RANKING_VERSION` of the built lists

Progress = Callable[[int, int], None]


# -- analysis -----------------------------------------------------------------------------------


def _ints(kind: str, data: bytes) -> array[int]:
    out = array(kind)
    out.frombytes(data)
    return out


def pending_analysis(conn: sqlite3.Connection) -> list[int]:
    """Articles without an analysis of their current text."""
    rows = conn.execute(
        "SELECT a.id FROM article a LEFT JOIN analysis n ON n.article_id = a.id "
        "WHERE n.content_hash IS NOT a.content_hash ORDER BY a.id"
    )
    return [int(r[0]) for r in rows]


class _Terms:
    """Stems -> term ids (`term_id`), each new stem written to `term` (once per process)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.known: set[int] = set()

    def __call__(self, words: Iterable[str]) -> list[int]:
        ids = [term_id(w) for w in words]
        new = [(t, w) for t, w in zip(ids, words, strict=True) if t not in self.known]
        if new:
            self.conn.executemany("INSERT OR IGNORE INTO term(id, word) VALUES (?, ?)", new)
            self.known.update(t for t, _ in new)
        return ids


# One article's analysis as it is stored: id, content hash, stems, their counts (int32), sampled
# shingles (uint32, ascending), body chars, short lines (int64 triples) and body spans (packed).
Made = tuple[int, str, list[str], bytes, bytes, int, bytes, bytes]
_analyser: Analyser | None = None  # one per process: its word cache serves every article


def _analysed(rows: Sequence[tuple[int, str, bytes, str]]) -> list[Made]:
    """The analyses of these (id, text, packed paragraphs, content hash) rows: here, or in a
    worker process (pure Python, the cost of analysing)."""
    global _analyser
    analyser = _analyser = _analyser or Analyser()
    made: list[Made] = []
    for aid, text, packed, digest in rows:
        article = Article(Path(str(aid)), text, paragraphs=unpack_paragraphs(packed))
        found = analyser(article)
        lines = array("q")
        for s, e, key in line_units(text):
            lines.extend((s, e, key))
        made.append(
            (
                aid,
                digest,
                list(found.terms),
                array("i", found.terms.values()).tobytes(),
                array("I", sorted(found.shingles)).tobytes(),
                found.chars,
                lines.tobytes(),
                _pack(body_spans(article)),
            )
        )
    return made


def analyse(
    conn: sqlite3.Connection,
    ids: Sequence[int],
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> None:
    """Analyse these articles' current texts and store it (postings and document frequencies
    kept in step; their old verdicts and neighbour lists dropped). Many articles are analysed
    in worker processes while this one writes, and their postings are written once at the
    end, in key order (`rebuild_postings`)."""
    terms = _Terms(conn)
    bulk = len(ids) >= BULK
    if bulk:
        with transaction(conn):  # until the postings are written: a killed run redoes them
            _set_meta(conn, _POSTINGS, "rebuild")

    def batches() -> Iterator[list[tuple[int, str, bytes, str]]]:
        for start in range(0, len(ids), BATCH):
            chunk = list(ids[start : start + BATCH])
            marks = ",".join("?" * len(chunk))
            rows = conn.execute(
                f"SELECT id, text, paragraphs, content_hash FROM article WHERE id IN ({marks})",
                chunk,
            )
            yield [(r[0], r[1], r[2], r[3]) for r in rows]  # (plain tuples cross processes)

    from newsreader.store.parse_pool import pooled

    done = 0
    parallel = len(ids) >= ANALYSE_IN_POOL
    for made in pooled(_analysed, batches(), parallel=parallel, cancel=cancel):
        check(cancel)
        if progress is not None:
            progress(done, len(ids))
        done += len(made)
        with transaction(conn):
            forget(conn, [m[0] for m in made], keep_rows=True, postings=not bulk)
            # Alignments of an older text are never used again (`StoredVerdicts.get` checks);
            # those of this text stay, whatever the analysis version.
            current = [(aid, digest) for aid, digest, *_ in made]
            conn.executemany("DELETE FROM verdict WHERE a_id = ? AND a_hash != ?", current)
            conn.executemany("DELETE FROM verdict WHERE b_id = ? AND b_hash != ?", current)
            analyses = []
            postings: list[tuple[int, int]] = []
            df: Counter[int] = Counter()
            for aid, digest, words, counts, shingles, chars, lines, body in made:
                tids = terms(words)
                tid_bytes = array("q", tids).tobytes()
                analyses.append((aid, digest, tid_bytes, counts, shingles, chars, lines, body))
                if not bulk:
                    postings.extend((t, aid) for t in tids)
                    df.update(tids)
            conn.executemany(
                "INSERT OR REPLACE INTO analysis(article_id, content_hash, terms, counts, "
                "shingles, chars, lines, body, ranked) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)",
                analyses,
            )
            # In key order, and one frequency update per term per batch: a batch's rows land
            # in neighbouring pages of the two B-trees instead of one random page per row.
            postings.sort()
            conn.executemany(
                "INSERT OR IGNORE INTO posting(term_id, article_id) VALUES (?, ?)", postings
            )
            conn.executemany(
                "UPDATE term SET df = df + ? WHERE id = ?", [(n, t) for t, n in sorted(df.items())]
            )
    if bulk:
        rebuild_postings(conn)
    if progress is not None:
        progress(len(ids), len(ids))


def rebuild_postings(conn: sqlite3.Connection) -> None:
    """Every posting and document frequency made again from the stored analyses, in one
    transaction. Inserted in key order: a batch at a time, each batch's rows went to pages all
    over the posting B-tree (at 100k articles, 16.7M rows, most of an analysis's time)."""
    with transaction(conn):
        conn.execute("DROP TABLE IF EXISTS temp.new_posting")
        conn.execute("CREATE TEMP TABLE new_posting (term_id INTEGER, article_id INTEGER)")
        last = -1
        while True:
            rows = conn.execute(
                "SELECT article_id, terms FROM analysis WHERE article_id > ? "
                "ORDER BY article_id LIMIT 1000",
                (last,),
            ).fetchall()
            if not rows:
                break
            conn.executemany(
                "INSERT INTO new_posting VALUES (?, ?)",
                [(t, aid) for aid, data in rows for t in _ints("q", data)],
            )
            last = rows[-1][0]
        conn.execute("DELETE FROM posting")
        conn.execute(
            "INSERT OR IGNORE INTO posting SELECT term_id, article_id FROM new_posting "
            "ORDER BY term_id, article_id"
        )
        conn.execute("DROP TABLE temp.new_posting")
        conn.execute(
            "UPDATE term SET df = (SELECT count(*) FROM posting WHERE posting.term_id = term.id)"
        )
        conn.execute("DELETE FROM meta WHERE key = ?", (_POSTINGS,))


def forget(
    conn: sqlite3.Connection,
    ids: Sequence[int],
    *,
    keep_rows: bool = False,
    postings: bool = True,
) -> None:
    """Undo what was derived from these articles' texts: postings and document frequencies
    (unless not `postings`: a bulk analysis makes them all again), their neighbour lists and
    their places in others' lists (those others are ranked again), and their verdicts unless
    `keep_rows`: the articles stay (analysed again), else they are about to be deleted.
    Inside the caller's transaction."""
    if not ids:
        return
    for i in range(0, len(ids), 400):
        chunk = list(ids[i : i + 400])
        marks = ",".join("?" * len(chunk))
        if postings:
            old = f"SELECT article_id, terms FROM analysis WHERE article_id IN ({marks})"
            for aid, data in conn.execute(old, chunk).fetchall():
                tids = _ints("q", data)
                conn.executemany(
                    "DELETE FROM posting WHERE term_id = ? AND article_id = ?",
                    [(t, aid) for t in tids],
                )
                conn.executemany("UPDATE term SET df = df - 1 WHERE id = ?", [(t,) for t in tids])
        if not keep_rows:  # (a kept article's verdicts go when its text changes: `analyse`)
            conn.execute(f"DELETE FROM verdict WHERE a_id IN ({marks})", chunk)
            conn.execute(f"DELETE FROM verdict WHERE b_id IN ({marks})", chunk)
        # Lists that held these articles are ranked again without them.
        conn.execute(
            f"UPDATE analysis SET ranked = 0 WHERE article_id IN "
            f"(SELECT article_id FROM neighbour WHERE other_id IN ({marks}))",
            chunk,
        )
        conn.execute(f"DELETE FROM neighbour WHERE other_id IN ({marks})", chunk)
        conn.execute(f"DELETE FROM neighbour WHERE article_id IN ({marks})", chunk)
        if not keep_rows:
            conn.execute(f"DELETE FROM analysis WHERE article_id IN ({marks})", chunk)


# -- loading what is stored -----------------------------------------------------------------------


@dataclass
class Stored:
    """Every analysed article of the library with its analysis, in id order."""

    articles: list[StoredArticle]
    rows: list[tuple[array[int], array[int], frozenset[int], int]]
    lines: dict[int, list[tuple[int, int, int]]]  # id(article) -> short lines
    bodies: dict[int, list[tuple[int, int]]]  # id(article) -> body spans

    def common(self) -> CommonLines:
        return CommonLines(list(self.articles), self.lines, self.bodies)


def load(
    conn: sqlite3.Connection,
    source: TextSource,
    ids: Sequence[int] | None = None,
    articles: Sequence[StoredArticle] = (),
) -> Stored:
    """The stored analyses (of `ids`, else of the whole library), with their articles (the
    given `articles` objects where they are among them: a reader keeps its own)."""
    sql = (
        f"SELECT {', '.join('a.' + c.strip() for c in LIST_COLUMNS.split(','))}, "
        "n.terms, n.counts, n.shingles, n.chars, n.lines, n.body "
        "FROM article a JOIN analysis n ON n.article_id = a.id "
        "AND n.content_hash = a.content_hash"
    )
    if ids is None:
        rows = conn.execute(sql + " ORDER BY a.id").fetchall()
    else:
        rows = []
        wanted = sorted(set(ids))
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            rows += conn.execute(
                sql + f" WHERE a.id IN ({','.join('?' * len(chunk))}) ORDER BY a.id", chunk
            ).fetchall()
    out = Stored([], [], {}, {})
    given = {a.article_id: a for a in articles}
    for r in rows:
        article = given.get(r["id"]) or StoredArticle.from_row(r, source)
        out.articles.append(article)
        out.rows.append(
            (
                _ints("q", r["terms"]),
                _ints("i", r["counts"]),
                frozenset(_ints("I", r["shingles"])),
                int(r["chars"]),
            )
        )
        flat = _ints("q", r["lines"])
        out.lines[id(article)] = [
            (flat[i], flat[i + 1], flat[i + 2]) for i in range(0, len(flat), 3)
        ]
        out.bodies[id(article)] = _spans(r["body"])
    return out


def build_index(stored: Stored) -> RelatedIndex:
    """The in-memory `RelatedIndex` of these articles, from their stored analyses (no text
    read): for a view of the library, or a `related --top` beyond what is stored."""
    return RelatedIndex.from_analyses(Corpus(articles=list(stored.articles)), stored.rows)


# -- neighbours ---------------------------------------------------------------------------------


class _LazyRows(dict[str, list[int]]):
    def __init__(self, load: Callable[[str], list[int]]) -> None:
        super().__init__()
        self._load = load

    def __missing__(self, key: str) -> list[int]:
        value = self[key] = self._load(key)
        return value


class StoredIndex(RelatedIndex):
    """A `RelatedIndex` answered from the database one article at a time: positions are
    article ids, weights come from the library's current document frequencies. The same
    ranking code as the in-memory index, so a new article ranks as a full build would."""

    def __init__(self, conn: sqlite3.Connection, source: TextSource) -> None:
        self.conn = conn
        self.source = source
        self.total = int(conn.execute("SELECT count(*) FROM analysis").fetchone()[0])
        # Keyed by article id, filled on demand (see `_prefetch`).
        self.articles = {}  # type: ignore[assignment]
        self.terms = {}  # type: ignore[assignment]
        self.weights = {}  # type: ignore[assignment]
        self.shingles = {}  # type: ignore[assignment]
        self.chars = {}  # type: ignore[assignment]
        self.position = {}
        self.same_text = _LazyRows(self._twins)
        self._dfs: dict[int, int] = {}

    def article(self, article_id: int) -> StoredArticle | None:
        self._prefetch([article_id])
        found = self.articles.get(article_id)  # type: ignore[attr-defined]
        return found if isinstance(found, StoredArticle) else None

    def _twins(self, digest: str) -> list[int]:
        # Through the article table's hash index (analysis has none: a scan of its blobs).
        rows = self.conn.execute(
            "SELECT a.id FROM article a JOIN analysis n ON n.article_id = a.id "
            "AND n.content_hash = a.content_hash WHERE a.content_hash = ? ORDER BY a.id",
            (digest,),
        )
        return [int(r[0]) for r in rows]

    def _df(self, term: int) -> int:
        found = self._dfs.get(term)
        if found is None:
            self._load_dfs([term])
            found = self._dfs.get(term, 0)
        return found

    def _load_dfs(self, terms: Iterable[int]) -> None:
        wanted = sorted({t for t in terms if t not in self._dfs})
        for i in range(0, len(wanted), 900):
            chunk = wanted[i : i + 900]
            marks = ",".join("?" * len(chunk))
            for t, df in self.conn.execute(f"SELECT id, df FROM term WHERE id IN ({marks})", chunk):
                self._dfs[int(t)] = int(df)

    def _posting(self, term: int) -> list[int]:
        rows = self.conn.execute(
            "SELECT article_id FROM posting WHERE term_id = ? ORDER BY article_id", (term,)
        )
        return [int(r[0]) for r in rows]

    def _prefetch(self, candidates: list[int]) -> None:
        wanted = sorted({m for m in candidates if m not in self.terms})
        if not wanted:
            return
        marks = ",".join("?" * len(wanted))
        cols = ", ".join("a." + c.strip() for c in LIST_COLUMNS.split(","))
        rows = self.conn.execute(
            f"SELECT {cols}, n.terms, n.counts, n.shingles, n.chars FROM article a "
            f"JOIN analysis n ON n.article_id = a.id WHERE a.id IN ({marks})",
            wanted,
        ).fetchall()
        loaded = [(r, _ints("q", r["terms"]), _ints("i", r["counts"])) for r in rows]
        self._load_dfs(t for _, terms, _ in loaded for t in terms)
        for r, terms, counts in loaded:
            aid = int(r["id"])
            article = StoredArticle.from_row(r, self.source)
            ids, weights = term_weights(terms, counts, self._df, self.total)
            self.articles[aid] = article
            self.position[id(article)] = aid
            self.terms[aid] = ids
            self.weights[aid] = weights
            self.shingles[aid] = frozenset(_ints("I", r["shingles"]))
            self.chars[aid] = int(r["chars"])


def _write_list(conn: sqlite3.Connection, aid: int, relations: list[Relation]) -> None:
    conn.execute("DELETE FROM neighbour WHERE article_id = ?", (aid,))
    conn.executemany(
        "INSERT INTO neighbour(article_id, rank, other_id, score, shared_chars) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (aid, rank, r.article.article_id, r.score, r.shared_chars)  # type: ignore[attr-defined]
            for rank, r in enumerate(relations)
        ],
    )


def rebuild(
    conn: sqlite3.Connection,
    source: TextSource,
    *,
    cancel: threading.Event | None = None,
    progress: Progress | None = None,
) -> None:
    """Every article's neighbours from scratch (document frequencies recounted too)."""
    stored = load(conn, source)
    index = build_index(stored)
    df: Counter[int] = Counter()
    for terms, _, _, _ in stored.rows:
        df.update(terms)
    total = len(stored.articles)
    lists = ranking.rank_all(index, K, cancel=cancel, progress=progress)
    with transaction(conn):
        conn.execute("UPDATE term SET df = 0")
        conn.executemany("UPDATE term SET df = ? WHERE id = ?", [(v, t) for t, v in df.items()])
        conn.execute("DELETE FROM neighbour")
        conn.executemany(
            "INSERT INTO neighbour(article_id, rank, other_id, score, shared_chars) "
            "VALUES (?, ?, ?, ?, ?)",
            (
                (article.article_id, rank, other, score, shared)
                for article, ranked in zip(stored.articles, lists, strict=True)
                for rank, (other, score, shared) in enumerate(ranked)
            ),
        )
        conn.execute("UPDATE analysis SET ranked = 1")
        mark_built(conn, total)
    if progress is not None:
        progress(total, total)


def reset_outdated(conn: sqlite3.Connection) -> None:
    """Analyses of another version are dropped (every article is analysed again); lists ranked
    by another rule (`related.RANKING_VERSION`) make the next `ensure` rebuild them all, from
    the analyses kept."""
    if _meta(conn, _VERSION) != VERSION:
        with transaction(conn):
            conn.execute("DELETE FROM analysis")
            conn.execute("DELETE FROM posting")
            conn.execute("DELETE FROM neighbour")
            conn.execute("UPDATE term SET df = 0")
            conn.execute("DELETE FROM meta WHERE key = ?", (_BUILT,))
            _set_meta(conn, _VERSION, VERSION)
    if _meta(conn, _BUILT) is not None and _meta(conn, _RANKING) != RANKING_VERSION:
        with transaction(conn):
            conn.execute("DELETE FROM meta WHERE key = ?", (_BUILT,))


def mark_built(conn: sqlite3.Connection, articles: int) -> None:
    """Record a full build of every list (`articles`: the library's size then), by this rule."""
    _set_meta(conn, _BUILT, str(articles))
    _set_meta(conn, _RANKING, RANKING_VERSION)


def built(conn: sqlite3.Connection) -> bool:
    """Whether the neighbour lists were built (and by this analysis version): the stored
    index's document frequencies then cover the library."""
    return _meta(conn, _BUILT) is not None and _meta(conn, _VERSION) == VERSION


def _set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def rank_incrementally(
    conn: sqlite3.Connection,
    source: TextSource,
    ids: Sequence[int],
    *,
    cancel: threading.Event | None = None,
) -> StoredIndex:
    """Neighbours of these (new or changed) articles from the stored index, and the lists of
    the articles they rank ranked again (the new one may belong there, and their scores are
    refreshed with today's frequencies). Returns the index used."""
    index = StoredIndex(conn, source)
    done: set[int] = set()
    for aid in ids:
        check(cancel)
        article = index.article(aid)
        if article is None:
            continue
        relations = index.related(article, K)
        with transaction(conn):
            _write_list(conn, aid, relations)
            done.add(aid)
            for r in relations:
                other: StoredArticle = r.article  # type: ignore[assignment]
                if other.article_id not in done:
                    _write_list(conn, other.article_id, index.related(other, K))
                    done.add(other.article_id)
            conn.execute("UPDATE analysis SET ranked = 1 WHERE article_id = ?", (aid,))
    return index


# -- verdicts -----------------------------------------------------------------------------------


_spans = unpack_spans
_pack = pack_spans


class StoredVerdicts:
    """`clusters.Verdicts` in the library's `verdict` table (pairs kept with the lower id as
    side a); a verdict for a text that has changed since is never used."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        preload: bool = False,
        lock: threading.Lock | None = None,
    ) -> None:
        """`lock`: the library's writer lock (a reader's worker may align while another
        ingests on the same connection)."""
        self.conn = conn
        self.lock = lock
        # Rows as read (decoded when asked for: most pairs are asked about once, many never).
        self._all: dict[tuple[int, int], tuple[Any, ...]] | None = None
        if preload:
            self._all = {
                (r[0], r[1]): r[2:]
                for r in conn.execute(
                    "SELECT a_id, b_id, a_hash, b_hash, a_spans, b_spans, a_pct, b_pct FROM verdict"
                )
            }
        self.written = 0

    def get(self, a: Article, b: Article) -> Covered | None:
        x, y = a.article_id, b.article_id  # type: ignore[attr-defined]
        flip = x > y
        key = (y, x) if flip else (x, y)
        if self._all is not None:
            found = self._all.get(key)
        else:
            found = self.conn.execute(
                "SELECT a_hash, b_hash, a_spans, b_spans, a_pct, b_pct FROM verdict "
                "WHERE a_id = ? AND b_id = ?",
                key,
            ).fetchone()
        if found is None:
            return None
        ha, hb, a_spans, b_spans, a_pct, b_pct = found
        first, second = (b, a) if flip else (a, b)
        if ha != first.content_hash or hb != second.content_hash:
            return None  # made for an older text of one side
        covered = Covered(_spans(a_spans), _spans(b_spans), float(a_pct), float(b_pct))
        return covered.swapped() if flip else covered

    def comparison(self, a: Article, b: Article) -> Comparison | None:
        x, y = a.article_id, b.article_id  # type: ignore[attr-defined]
        flip = x > y
        first, second = (b, a) if flip else (a, b)
        row = self.conn.execute(
            "SELECT a_hash, b_hash, a_pct, b_pct, passages FROM verdict "
            "WHERE a_id = ? AND b_id = ?",
            (first.article_id, second.article_id),  # type: ignore[attr-defined]
        ).fetchone()
        if row is None or row["passages"] is None:
            return None
        if row["a_hash"] != first.content_hash or row["b_hash"] != second.content_hash:
            return None
        found = Comparison(
            first,
            second,
            float(row["a_pct"]),
            float(row["b_pct"]),
            unpack_passages(row["passages"]),
        )
        return found.swapped() if flip else found

    def put(self, comparisons: list[Comparison]) -> None:
        rows = []
        for comparison in comparisons:
            if comparison.a.article_id > comparison.b.article_id:  # type: ignore[attr-defined]
                comparison = comparison.swapped()
            a, b, covered = comparison.a, comparison.b, Covered.of(comparison)
            rows.append(
                (
                    a.article_id,  # type: ignore[attr-defined]
                    b.article_id,  # type: ignore[attr-defined]
                    a.content_hash,
                    b.content_hash,
                    _pack(covered.a),
                    _pack(covered.b),
                    covered.a_pct,
                    covered.b_pct,
                    pack_passages(comparison.passages),
                )
            )
        try:
            with self.lock or contextlib.nullcontext(), transaction(self.conn):
                self.conn.executemany(
                    "INSERT OR REPLACE INTO verdict(a_id, b_id, a_hash, b_hash, a_spans, "
                    "b_spans, a_pct, b_pct, passages) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.Error:
            pass  # a cache: a busy or full disk costs an alignment next time, not the answer
        if self._all is not None:
            for r in rows:
                self._all[(r[0], r[1])] = r[2:8]
        self.written += len(rows)


# -- the stored neighbours as an index for story clusters ---------------------------------------


class StoredNeighbours:
    """`Neighbours` for `build_graph` from the `neighbour` table: no ranking at read time."""

    def __init__(self, conn: sqlite3.Connection, stored: Stored) -> None:
        self.articles: list[Article] = list(stored.articles)
        self.shingles: list[frozenset[int]] = [row[2] for row in stored.rows]
        self.position: dict[int, int] = {id(a): n for n, a in enumerate(self.articles)}
        by_id = {a.article_id: a for a in stored.articles}
        self._lists: dict[int, list[Relation]] = {}
        for aid, other, score, shared in conn.execute(
            "SELECT article_id, other_id, score, shared_chars FROM neighbour "
            "ORDER BY article_id, rank"
        ):
            target = by_id.get(other)
            if target is not None and aid in by_id:
                self._lists.setdefault(aid, []).append(Relation(target, float(score), int(shared)))

    def related(self, article: Article, top: int = 10) -> list[Relation]:
        if top > K:
            raise ValueError(f"only {K} neighbours are stored per article")
        return self._lists.get(article.article_id, [])[:top]  # type: ignore[attr-defined]


# -- keeping it all current ---------------------------------------------------------------------


@dataclass
class Report:
    analysed: int = 0
    rebuilt: bool = False
    ranked: int = 0  # articles ranked incrementally


def ensure(
    conn: sqlite3.Connection,
    source: TextSource,
    *,
    cancel: threading.Event | None = None,
    stages: StageProgress | None = None,
) -> Report:
    """Bring analyses and neighbour lists up to date for the whole library: analyse what is
    new or changed, then rank it incrementally, or rebuild every list (see the module
    docstring). `stages(stage, done, total)` follows "Analysing" and "Ranking"."""
    report = Report()
    reset_outdated(conn)
    if _meta(conn, _POSTINGS) is not None:  # a bulk analysis was stopped before its postings
        rebuild_postings(conn)
    todo = pending_analysis(conn)
    if todo:
        analyse(conn, todo, cancel=cancel, progress=stage(stages, "Analysing"))
        report.analysed = len(todo)
    total = int(conn.execute("SELECT count(*) FROM analysis").fetchone()[0])
    built = _meta(conn, _BUILT)
    pending = [
        int(r[0])
        for r in conn.execute("SELECT article_id FROM analysis WHERE ranked = 0 ORDER BY 1")
    ]
    if not pending and built is not None:
        return report
    if (
        built is None
        or total >= GROWTH * max(1, int(built))
        or len(pending) > max(20, REBUILD_SHARE * total)
    ):
        rebuild(conn, source, cancel=cancel, progress=stage(stages, "Ranking"))
        report.rebuilt = True
    else:
        rank_incrementally(conn, source, pending, cancel=cancel)
        report.ranked = len(pending)
    return report


def update_after_ingest(
    conn: sqlite3.Connection,
    source: TextSource,
    changed: Sequence[int],
    *,
    cancel: threading.Event | None = None,
) -> bool:
    """After an ingest that brought a few new or changed articles into a library whose
    neighbours were built: analyse and rank them, and align their candidate pairs, so the
    next `related` or `story` has nothing to compute for them. Many changes (or no build
    yet) are left to the next `ensure`. Whether anything was done."""
    if not changed or _meta(conn, _BUILT) is None or _meta(conn, _VERSION) != VERSION:
        return False
    if _meta(conn, _RANKING) != RANKING_VERSION:  # every list is ranked again by `ensure`
        return False
    if _meta(conn, _POSTINGS) is not None:  # a bulk analysis was stopped: `ensure` repairs
        return False
    if len(changed) > AT_ONCE:
        return False
    analyse(conn, list(changed), cancel=cancel)
    pending = [
        int(r[0])
        for r in conn.execute("SELECT article_id FROM analysis WHERE ranked = 0 ORDER BY 1")
    ]
    index = rank_incrementally(conn, source, pending, cancel=cancel)
    verify_pairs(conn, index, changed, cancel=cancel)
    return True


def verify_pairs(
    conn: sqlite3.Connection,
    index: StoredIndex,
    ids: Sequence[int],
    *,
    cancel: threading.Event | None = None,
) -> int:
    """Align the candidate pairs of these articles (as `build_graph` picks them from their
    stored neighbours) that have no verdict yet; returns how many were aligned."""
    from newsreader.reuse import compare_articles

    verdicts = StoredVerdicts(conn)
    fresh: list[Comparison] = []
    for aid in ids:
        article = index.article(aid)
        if article is None:
            continue
        rows = conn.execute(
            "SELECT other_id, score, shared_chars FROM neighbour WHERE article_id = ? "
            "ORDER BY rank LIMIT ?",
            (aid, TOP_K),
        ).fetchall()
        index._prefetch([int(r[0]) for r in rows])
        relations = [Relation(index.articles[int(r[0])], float(r[1]), int(r[2])) for r in rows]
        chosen = []
        for _, pair in candidate_pairs(index, aid, relations, set()):
            a, b = index.articles[pair[0]], index.articles[pair[1]]
            sa, sb = index.shingles[pair[0]], index.shingles[pair[1]]
            if is_sure(len(sa & sb), len(sa), len(sb)):
                continue  # the same text: an edge without aligning (`_sure_edge`)
            chosen.append((a, b))
        for a, b in chosen[:MAX_VERIFY]:
            check(cancel)
            if verdicts.get(a, b) is None:
                fresh.append(compare_articles(a, b, cancel=cancel))
    if fresh:
        verdicts.put(fresh)
    return len(fresh)


# -- what `related` and `story` read ------------------------------------------------------------


@dataclass
class Engine:
    """What the `related` and `story` commands work from: the articles (the library's, or a
    view's), their neighbours, the stored verdicts and the common lines."""

    corpus: Corpus
    index: Neighbours
    verdicts: StoredVerdicts
    common: CommonLines
    report: Report


def engine(
    conn: sqlite3.Connection,
    source: TextSource,
    ids: Sequence[int] | None = None,
    *,
    top: int = K,
    cancel: threading.Event | None = None,
    stages: StageProgress | None = None,
    articles: Sequence[StoredArticle] = (),
    lock: threading.Lock | None = None,
) -> Engine:
    """The whole library (`ids` None: stored neighbours, brought up to date first) or a view
    of it (an index over the view's stored analyses: related among the view only)."""
    if ids is None:
        report = ensure(conn, source, cancel=cancel, stages=stages)
        stored = load(conn, source, None, articles)
        index: Neighbours = StoredNeighbours(conn, stored) if top <= K else build_index(stored)
    else:
        report = Report()
        wanted = set(ids)
        todo = [i for i in pending_analysis(conn) if i in wanted]
        if todo:
            analyse(conn, todo, cancel=cancel, progress=stage(stages, "Analysing"))
            report.analysed = len(todo)
        stored = load(conn, source, ids, articles)
        index = build_index(stored)
    return Engine(
        Corpus(articles=list(stored.articles), name="library" if ids is None else "view"),
        index,
        StoredVerdicts(conn, preload=True, lock=lock),
        stored.common(),
        report,
    )
