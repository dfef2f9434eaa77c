"""Full-text search inside the library: SQLite FTS5 finds the articles, Python places the hits.

The index (`article_fts`) is a contentless FTS5 table fed with each article's *folded terms*
(`fts_vocab.term_of`: accents, case and invisible characters gone, NFKD compatibility forms
decomposed, each Han/kana character its own word), not its raw text: the terms FTS5 matches
are then exactly the keys the in-memory search (`search.tokens`) matches on, and the article
text is stored once, in `article`. Column `body` is the text, `meta` the title, outlet, byline
and date. A query runs in two steps:

1. Each query word is expanded to terms (exact, completions of the word being typed, typo
   corrections; `fts_vocab.expand`), and FTS5 picks the candidate articles tier by tier: the
   exact phrase, the phrase with the likely typos corrected, every word exactly, every word
   somehow, some words; bm25 orders each tier (newest first when a tier is too broad to rank
   cheaply, e.g. one typed letter).
2. Only those articles are looked at: the query's words are found in them (`_Scan`: a byte
   search when all their words are ASCII, else their tokens; cached by content hash, so typing
   re-uses the work) and scored by `search.match.windows_at`, which gives the bands of the
   in-memory search: 80+ exact phrase, 60+ every word exactly, 40+ phrase with typos, 20+
   every word somehow, below 20 some words. Hits carry character offsets into `article.text`.

Typing re-asks much of the same: `_Memo` keeps, per connection and while the database is
unchanged, the words' expansions, the tiers' and each phrase's article ids, and the phrases
found nowhere (then any longer phrase holding them is not asked).
"""

from __future__ import annotations

import math
import re
import sqlite3
import threading
from array import array
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate, compress, count, islice, product
from typing import Any, ClassVar, NamedTuple

from newsreader.library import fts_vocab
from newsreader.library.fts_vocab import TERMS, SqlLexicon, TextLexicon, expand
from newsreader.search.hit import make_snippet
from newsreader.search.match import NEAR, Window, find_windows, windows_at
from newsreader.search.tokens import _INVISIBLE, _MARKS, query_words, split_words
from newsreader.search.vocab import EXACT, PREFIX

HITS_PER_ARTICLE = 3
MAX_QUERY_WORDS = 32  # a pasted paragraph is searched by its first words
IN_ARTICLE_CAP = 5000  # hits n/N can step through in one (giant) article
_GAP = NEAR + 1  # separator tokens between an article's text and its metadata line
# Articles scored in Python per query: enough for `limit` distinct articles plus slack for
# the ones whose words turn out to be apart.
MIN_BUDGET = 40
# A tier whose terms occur in more articles than this is taken newest first instead of by
# bm25 (ranking every match of "p*" at 100k articles costs far more than a keystroke).
RANK_LIMIT = 2_000
COMPLETIONS_IN_QUERY = 8  # completions of the word being typed sent to FTS5
PHRASE_COMPLETIONS = 4  # phrase variants tried for the word being typed
PHRASE_CORRECTIONS = 2  # and for a word with a typo
MAX_PHRASES = 8
TYPO_DRIFT = 10
FUZZY_IN_QUERY = 8  # typo corrections per word sent to FTS5 (best first)
_INDEX_BATCH = 500

_SCHEMA: tuple[str, ...] = (
    # Contentless: the folded terms are derived from `article` (see the module docstring),
    # so deleting a row means handing FTS5 the same terms again (unindex_articles).
    "CREATE VIRTUAL TABLE article_fts USING fts5(body, meta, content='', tokenize='ascii')",
    # The title, outlet, byline and date say what an article is about.
    "INSERT INTO article_fts (article_fts, rank) VALUES ('rank', 'bm25(1.0, 2.0)')",
    *fts_vocab.SCHEMA,
)
# What the terms depend on: our folding rules, and Python's Unicode tables (NFKD, categories).
# When either changes, the terms of an indexed article could differ from what FTS5 was given,
# and deleting it would leave stale entries: the index is rebuilt first (`_check_terms`).
FOLD_VERSION = 1


def _fold_signature() -> str:
    import unicodedata

    return f"{FOLD_VERSION} unicode {unicodedata.unidata_version}"


def _create(conn: sqlite3.Connection) -> None:
    for sql in _SCHEMA:
        conn.execute(sql)
    rebuild(conn)  # a library that had articles before the index existed


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create,)


def rebuild(conn: sqlite3.Connection) -> None:
    """Index every article again from scratch, inside the caller's transaction."""
    conn.execute("INSERT INTO article_fts (article_fts) VALUES ('delete-all')")
    conn.execute("DELETE FROM fts_term")
    _index([r[0] for r in conn.execute("SELECT id FROM article ORDER BY id")], conn)
    conn.execute("INSERT INTO article_fts (article_fts) VALUES ('optimize')")  # see settle()
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_fold', ?)", (_fold_signature(),)
    )


# A bulk add leaves FTS5's index in many segments (20 after the 100k benchmark build: the
# batches' own, and levels its automerge has not reached), and every query term is looked up
# and its doclist merged across all of them. In one segment the phrase and bm25 queries of a
# keystroke cost about half (100k, "world cup five" 4.8 -> 2.7 ms, a bm25-ranked AND of ten
# terms 10.5 -> 4.7 ms; benchmarks/RESULTS.md). Merging rewrites the whole index (~5 s CPU at
# 100k), so only an add that brought a sizeable share of the library pays it.
SETTLE_SHARE = 0.1  # of the library's articles
SETTLE_MIN = 1000  # articles: smaller adds leave the segments to FTS5's automerge
SETTLE_PAGES = 2000  # index pages rewritten per step (one transaction, ~0.3 s at 100k)


def settle(
    conn: sqlite3.Connection, indexed: int, *, cancel: threading.Event | None = None
) -> bool:
    """After an add that indexed `indexed` articles: merge the index into one segment when
    that was at least SETTLE_MIN articles and SETTLE_SHARE of the library. Runs outside the
    caller's transactions, in steps of SETTLE_PAGES pages, each committed on its own: a
    reader is never held up for long, and kill -9 or `cancel` between steps leaves a valid
    index (the next settle starts again). True if it merged to the end."""
    if indexed < SETTLE_MIN:
        return False
    total = int(conn.execute("SELECT count(*) FROM article").fetchone()[0])
    if indexed < SETTLE_SHARE * total:
        return False
    # A negative page count starts an incremental 'optimize' (every segment, whatever its
    # level); positive ones carry it on; a step that changes (almost) nothing is the end.
    pages = -SETTLE_PAGES
    while True:
        if cancel is not None and cancel.is_set():
            return False
        before = conn.total_changes
        conn.execute("INSERT INTO article_fts (article_fts, rank) VALUES ('merge', ?)", (pages,))
        if conn.total_changes - before < 2:
            return True
        pages = SETTLE_PAGES


def _settle_all(conn: sqlite3.Connection) -> None:
    # A library built by an older version is in as many segments as its bulk adds left
    # (20 at 100k): merged once, in the migration's transaction (~5 s CPU at 100k).
    conn.execute("INSERT INTO article_fts (article_fts) VALUES ('optimize')")


SETTLE_MIGRATION: Callable[[sqlite3.Connection], None] = _settle_all  # appended in db.py


def segments(conn: sqlite3.Connection) -> int:
    """How many segments FTS5's index is in (its structure record: for tests and benchmarks)."""
    blob = conn.execute("SELECT block FROM article_fts_data WHERE id = 10").fetchone()[0]
    # A 4-byte cookie, then varints: levels, segments, writes, ...
    at, values = 4, list[int]()
    while len(values) < 2:
        value = 0
        for k in range(9):
            byte = blob[at]
            at += 1
            if k == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values[1]


def _check_terms(conn: sqlite3.Connection) -> bool:
    """Rebuild the index if it was made with other folding rules; True if it was."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'fts_fold'").fetchone()
    if row is not None and row[0] == _fold_signature():
        return False
    rebuild(conn)
    return True


@dataclass(frozen=True, slots=True)
class LibraryHit:
    """One place in one library article that answers the query.

    `score` is 0..100 in the bands of `search.hit.Hit`. `start`/`end` are character offsets
    into `article.text` (both 0 when the hit is in the metadata only: outlet, byline, date,
    or a title that is not a line of the text). `snippet` is cleaned, whitespace-collapsed
    context; `snippet_highlights` are (start, end) offsets of the matched words in it.
    """

    article_id: int
    score: float
    start: int
    end: int
    snippet: str
    snippet_highlights: tuple[tuple[int, int], ...] = ()

    def to_json(self, locator: str, title: str) -> dict[str, object]:
        return {
            "id": self.article_id,
            "path": locator,
            "title": title,
            "score": round(self.score, 2),
            "start": self.start,
            "end": self.end,
            "snippet": self.snippet,
        }


# -- indexing --------------------------------------------------------------------------------

_ROW_SQL = (
    "SELECT id, text, title, outlet, byline, date, title_start, title_end "
    "FROM article WHERE id IN (SELECT value FROM json_each(?))"
)


def _meta_fields(row: Sequence[Any]) -> list[str]:
    return [f for f in (row[2], row[3], row[4], row[5]) if f]


_ASCII_WORD = re.compile(r"[a-z0-9]+")
_ASCII_SPLIT = re.compile(r"([a-z0-9]+)")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A non-ASCII character that can be part of a word: a letter or digit (CJK too), a combining
# mark, or an invisible in-word character (search.tokens glues words across those).
_WORDY_NON_ASCII = re.compile(rf"[^\x00-\x7f\W]|[{_MARKS}{_INVISIBLE}]")


def _ascii_view(text: str) -> str | None:
    """`text` with every non-ASCII character made a space, when its words are all ASCII
    (news with only curly quotes, dashes or a pound sign); same length, so same offsets.

    Its words, split on anything but ASCII letters and digits, are then exactly the words
    of `search.tokens`, at a third of the cost; None when a non-ASCII character could be in
    a word.
    """
    if text.isascii():
        return text
    if _WORDY_NON_ASCII.search(text):
        return None
    return _NON_ASCII.sub(" ", text)


def _ascii_words(text: str) -> bool:
    """Whether `_ascii_view(text)` is not None, looking at each distinct non-ASCII character
    once instead of matching the Unicode classes along the whole text (3x cheaper)."""
    if text.isascii():
        return True
    return not any(_WORDY_NON_ASCII.match(c) for c in set(_NON_ASCII.findall(text)))


def _fts_values(row: Sequence[Any]) -> tuple[str, str, set[str]]:
    """(body, meta, distinct terms) of an article row, as FTS5 is given them.

    FTS5's 'ascii' tokenizer splits on ASCII punctuation and spaces, lower-cases ASCII and
    keeps every other character: for a text of ASCII words its tokens already are our terms
    (words are runs of letters and digits either way), so the text goes in as it is (its
    ASCII view). Anything else goes in as its terms joined by spaces.
    """
    view = _ascii_view(row[1])
    if view is not None:
        body = view
        distinct = set(_ASCII_WORD.findall(view.lower()))
    else:
        words, _ = split_words(row[1])
        terms = list(map(TERMS.__getitem__, words))
        body = " ".join(terms)
        distinct = set(terms)
    meta_words, _ = split_words(" · ".join(_meta_fields(row)))
    meta_terms = list(map(TERMS.__getitem__, meta_words))
    distinct.update(meta_terms)
    distinct.discard("")
    return body, " ".join(meta_terms), distinct


def _rows(conn: sqlite3.Connection, ids: list[int]) -> list[Sequence[Any]]:
    return conn.execute(_ROW_SQL, (_json(ids),)).fetchall()


def index_articles(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Add these articles (already in `article`) to the index, inside the caller's
    transaction. An article already indexed must be unindexed first."""
    if _check_terms(conn):
        return  # the rebuild indexed every row, these too
    _index(ids, conn)


def _index(ids: Iterable[int], conn: sqlite3.Connection) -> None:
    # A batch at a time: a rebuild of 100k articles must not hold all their terms at once.
    for batch in fts_vocab.iter_batches(sorted(set(ids)), _INDEX_BATCH):
        values, counts = _entries(conn, batch)
        conn.executemany("INSERT INTO article_fts (rowid, body, meta) VALUES (?, ?, ?)", values)
        fts_vocab.add_terms(conn, counts)


def _entries(
    conn: sqlite3.Connection, ids: list[int]
) -> tuple[list[tuple[int, str, str]], Counter[str]]:
    """The FTS5 values (rowid, body, meta) of these rows, and how many of them hold each term:
    the same for adding and for FTS5's 'delete', which must be given what was added."""
    counts: Counter[str] = Counter()
    values = []
    for row in _rows(conn, ids):
        body, meta, distinct = _fts_values(row)
        counts.update(distinct)
        values.append((row[0], body, meta))
    return values, counts


def unindex_articles(conn: sqlite3.Connection, ids: Iterable[int]) -> None:
    """Take these articles out of the index, before their rows change or go (FTS5 needs the
    terms it was given, which are derived from the row as it still is)."""
    _check_terms(conn)
    for batch in fts_vocab.iter_batches(sorted(set(ids)), _INDEX_BATCH):
        values, counts = _entries(conn, batch)
        conn.executemany(
            "INSERT INTO article_fts (article_fts, rowid, body, meta) VALUES ('delete', ?, ?, ?)",
            values,
        )
        fts_vocab.remove_terms(conn, counts)


# -- one article as the matcher sees it --------------------------------------------------------

# Word ids for find_windows: one per distinct term, for the life of the process (0 = no term).
_TERM_IDS: dict[str, int] = {"": 0}
_TERM_NAMES: list[str] = [""]


def _term_id(term: str) -> int:
    tid = _TERM_IDS.get(term)
    if tid is None:
        with _ID_LOCK:  # the reader searches in a worker thread while it opens articles
            tid = _TERM_IDS.get(term)
            if tid is None:
                tid = _TERM_IDS[term] = len(_TERM_NAMES)
                _TERM_NAMES.append(term)
    return tid


_ID_LOCK = threading.Lock()


class _SurfaceIds(dict[str, int]):
    """lower-cased surface word -> word id of its term."""

    def __missing__(self, word: str) -> int:
        # An ASCII word from split_words is lower-case letters and digits: its own term.
        tid = _term_id(word if word.isascii() else TERMS[word])
        self[word] = tid
        return tid


_SURFACE_IDS = _SurfaceIds()


class _Tokens(NamedTuple):
    ids: array[int]
    starts: array[int]
    ends: array[int]


def _tokens(text: str) -> _Tokens:
    view = _ascii_view(text)
    if view is not None:
        parts = _ASCII_SPLIT.split(view.lower())  # separator, word, separator, ...
        words = parts[1::2]
    else:
        parts = None
        words, starts = split_words(text)
    ids = array("I", map(_SURFACE_IDS.__getitem__, words))
    if parts is not None:
        # The running length at the end of each part: a word's start, then its end.
        bounds = array("I", accumulate(map(len, parts)))
        return _Tokens(ids, bounds[0:-1:2], bounds[1::2])
    return _Tokens(ids, array("I", starts), array("I", map(int.__add__, starts, map(len, words))))


class _DocCache:
    """Articles as the matcher sees them, by content hash and metadata: typing a query
    re-scores mostly the same articles, and tokenising is most of a keystroke's work."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], _Doc | _Scan] = OrderedDict()
        self._lock = threading.Lock()  # the reader searches in a worker thread

    def get(self, key: tuple[Any, ...]) -> _Doc | _Scan | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[Any, ...], value: _Doc | _Scan) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


_CACHE = _DocCache()


class _Places(NamedTuple):
    """Where an article holds the query's words: token positions (ascending), their word ids,
    and the character span of each text position (None: the article's own token offsets)."""

    hits: list[int]
    found: list[int]
    spans: dict[int, tuple[int, int]] | None


class _Doc(NamedTuple):
    """One article's words (text, a gap, then the metadata line) as word ids and offsets: for
    texts with non-ASCII words (see `_Scan` for the others)."""

    text: _Tokens
    meta: str
    meta_tokens: _Tokens
    title_tokens: tuple[int, int] | None
    ids: array[int]
    meta_from: int

    def places(self, query: _Query) -> _Places:
        hits = list(compress(count(), map(query.wanted.__contains__, self.ids)))
        return _Places(hits, list(map(self.ids.__getitem__, hits)), None)


# For `_Scan.spaced`: an ASCII letter or digit lower-cased, any other byte a space.
_WORDS_TABLE = bytes(
    b + 0x20 if 0x41 <= b <= 0x5A else b if (0x30 <= b <= 0x39 or 0x61 <= b <= 0x7A) else 0x20
    for b in range(256)
)
# For `_Scan.marks`: 'a' for a letter or digit, ' ' for the spaces.
_MARKS_TABLE = bytes(0x20 if b == 0x20 else 0x61 for b in range(256))
_WORD_START = b" a"


class _Scan(NamedTuple):
    """An article whose words are all ASCII (`_ascii_view` is not None: most news), kept as
    bytes. A keystroke finds only the query's words in it (`bytes.find` of " word") and counts
    the words before each (`bytes.count`), both in C: tokenising the ~60 candidate articles a
    new prefix brings was most of a keystroke at 100k (~0.3 ms an article). The places,
    positions and offsets are exactly those of `_Doc` (tests/unit/test_library_fts_keys.py).
    """

    # b" " + the text with letters and digits lower-cased and every other character (a
    # non-ASCII one too: one byte per character) a space + b" ": a word of the text at
    # offset i is b" word " at i here.
    spaced: bytes
    marks: bytes  # `spaced` through _MARKS_TABLE: word starts are b" a"
    meta: str
    meta_tokens: _Tokens
    title_tokens: tuple[int, int] | None
    meta_from: int

    # needle -> (start, word, position) of each word it finds: typing re-asks the words
    # before the one being typed, in mostly the same articles.
    seen: dict[bytes, tuple[tuple[int, bytes, int], ...]]

    def places(self, query: _Query) -> _Places:
        seen = self.seen
        if len(seen) > 64:  # bounded per cached article: past 64 needles, start again
            seen.clear()
        ascii_ids = query.ascii_ids
        at: list[tuple[int, int, int, int]] = []  # (start in the text, word id, length, position)
        for needle in query.needles:
            words = seen.get(needle)
            if words is None:
                words = seen[needle] = self._find(needle)
            for start, word, position in words:
                tid = ascii_ids.get(word)
                if tid:
                    at.append((start, tid, len(word), position))
        at.sort()
        hits = [a[3] for a in at]
        found = [a[1] for a in at]
        spans = {a[3]: (a[0], a[0] + a[2]) for a in at}
        meta_ids = self.meta_tokens.ids
        wanted = query.wanted
        meta_hits = list(compress(count(self.meta_from), map(wanted.__contains__, meta_ids)))
        if meta_hits:
            hits.extend(meta_hits)
            found.extend(meta_ids[p - self.meta_from] for p in meta_hits)
        return _Places(hits, found, spans)

    def _find(self, needle: bytes) -> tuple[tuple[int, bytes, int], ...]:
        """(start, word, position) of each word `needle` finds: b" term " a whole word, b" key"
        any word starting with the key."""
        spaced = self.spaced
        find = spaced.find
        count_starts = self.marks.count
        whole = needle.endswith(b" ")
        size = len(needle) - 1 - whole
        out = []
        words = 0
        prev = 0
        i = find(needle)
        while i != -1:
            # Word starts before `i`: the position of this word.
            words += count_starts(_WORD_START, prev, i + 1)
            prev = i
            if whole:
                out.append((i, needle[1:-1], words))
                i = find(needle, i + size + 1)  # its last space may begin the next one
            else:  # the word goes on to the next space
                end = find(b" ", i + size + 1)
                out.append((i, spaced[i + 1 : end], words))
                i = find(needle, end)
        return tuple(out)  # of atomic values: the collector stops tracking it


def _span(
    doc: _Doc | _Scan, w: Window, places: _Places
) -> tuple[bool, int, int, list[tuple[int, int]]]:
    """(in metadata?, start, end, word spans) of a window."""
    n = doc.meta_from
    spans = []
    for p in w.positions:
        if p >= n:
            spans.append((doc.meta_tokens.starts[p - n], doc.meta_tokens.ends[p - n]))
        elif places.spans is not None:
            spans.append(places.spans[p])
        else:
            assert isinstance(doc, _Doc)
            spans.append((doc.text.starts[p], doc.text.ends[p]))
    return w.first >= n, spans[0][0], spans[-1][1], spans


class _Query:
    """The query's word ids as the places in an article are found: the set of them, and for
    `_Scan` the ASCII terms as bytes, searched by prefix-free keys (`bytes.find` per key)."""

    def __init__(self, id_plan: list[dict[int, float]], typed: str | None) -> None:
        self.wanted: set[int] = set().union(*id_plan)
        names = {_TERM_NAMES[i]: i for i in self.wanted}
        # A word of an ASCII text is [a-z0-9]+ and its own term: only ASCII terms occur.
        self.ascii_ids = {t.encode(): i for t, i in names.items() if t.isascii()}
        heads = set(self.ascii_ids)
        if typed and typed.isascii() and typed.isalnum():
            # The word being typed: one key for all its completions.
            heads.add(typed.encode())
        keys: list[bytes] = []
        for head in sorted(heads):  # a key after its own prefix is covered by that prefix
            if keys and head.startswith(keys[-1]):
                continue
            keys.append(head)
        terms = sorted(self.ascii_ids)
        # b" term " when the key is a term that no other wanted term extends (those would
        # sort right after it): whole words only; else b" key": any word starting with it.
        self.needles: list[bytes] = []
        for key in keys:
            at = bisect_left(terms, key)
            whole = at < len(terms) and terms[at] == key
            if whole and at + 1 < len(terms) and terms[at + 1].startswith(key):
                whole = False
            self.needles.append(b" " + key + b" " if whole else b" " + key)


def _meta_line(
    title: str | None, outlet: str | None, byline: str | None, date: str | None, title_in_text: bool
) -> str:
    """The metadata searched besides the text: the title when it is not a line of the text."""
    fields = [outlet, byline, date]
    if title and not title_in_text:
        fields.insert(0, title)
    return " · ".join(f for f in fields if f)


def _doc(
    text: str,
    title: str | None,
    outlet: str | None,
    byline: str | None,
    date: str | None,
    title_start: int | None,
    title_end: int | None,
    *,
    scan: bool = True,
) -> _Doc | _Scan:
    """The matcher's view of an article: a `_Scan` when its words are all ASCII (and `scan`),
    else its tokens."""
    title_in_text = title_start is not None and title_end is not None
    meta = _meta_line(title, outlet, byline, date, title_in_text)
    if scan and _ascii_words(text):
        spaced = b" " + text.encode("ascii", "replace").translate(_WORDS_TABLE) + b" "
        marks = spaced.translate(_MARKS_TABLE)
        title_tokens = None
        if title_start is not None and title_end is not None:
            # Word starts before each: what bisect_left over the token starts gives.
            title_tokens = (
                marks.count(_WORD_START, 0, title_start + 1),
                marks.count(_WORD_START, 0, title_end + 1),
            )
        words = marks.count(_WORD_START)
        return _Scan(spaced, marks, meta, _tokens(meta), title_tokens, words + _GAP, {})
    tokens = _tokens(text)
    title_tokens = None
    if title_start is not None and title_end is not None:
        title_tokens = (
            bisect_left(tokens.starts, title_start),
            bisect_left(tokens.starts, title_end),
        )
    meta_tokens = _tokens(meta)
    ids = array("I", tokens.ids)
    ids.extend([0] * _GAP)
    ids.extend(meta_tokens.ids)
    return _Doc(tokens, meta, meta_tokens, title_tokens, ids, len(tokens.ids) + _GAP)


# -- querying --------------------------------------------------------------------------------


class _Plan(NamedTuple):
    words: list[str]
    terms: list[dict[str, float]]  # per query word: term -> 0..1
    typing: bool


def _plan(query: str, lexicon: fts_vocab.Lexicon, memo: _Memo | None = None) -> _Plan:
    words = [fts_vocab.term_of(w) for w in query_words(query)]
    words = [w for w in words if w][:MAX_QUERY_WORDS]
    typing = query[-1:].isalnum()  # the last word may be unfinished: complete it
    terms = []
    for i, w in enumerate(words):
        prefix = typing and i == len(words) - 1
        if memo is None:
            terms.append(expand(lexicon, w, prefix=prefix))
            continue
        # The words before the one being typed are expanded again at every keystroke.
        found = memo.expansions.get((w, prefix))
        if found is None:
            found = memo.expansions.put((w, prefix), expand(lexicon, w, prefix=prefix))
        terms.append(found)
    return _Plan(words, terms, typing)


class _Lru(OrderedDict[Any, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, default)
        if found is not default:
            self.move_to_end(key)
        return found

    def put(self, key: Any, value: Any) -> Any:
        self[key] = value
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class _Memo:
    """What a keystroke re-uses from the last ones on one connection while the database is
    unchanged: the query words' expansions, document frequencies, each tier's article ids
    and the articles' cache keys. Typing "central bank inte" then "...inter" asks the same
    phrase tiers (FTS5 checks a phrase in every article holding its words: 5-20 ms at 100k),
    expands "central" and "bank" again (~1 ms each: a typo lookup), reads the same rows.

    Unchanged means `PRAGMA data_version` (another connection committed) and this
    connection's `total_changes` are both as they were; anything else empties the memo.
    """

    _lock = threading.Lock()
    _last: ClassVar[tuple[sqlite3.Connection, tuple[int, int], _Memo] | None] = None

    def __init__(self) -> None:
        self.expansions = _Lru(256)
        self.df: _Lru = _Lru(4096)
        self.tiers = _Lru(256)
        self.keys = _Lru(4096)  # article id -> its _DocCache key
        self.snippets = _Lru(4096)  # (article id, in metadata?, word spans) -> make_snippet
        self.phrases = _Lru(1024)  # (phrase, view) -> see _phrase_rows
        # (phrase, view) that no article holds (view () is the whole library).
        self.no_phrases: set[tuple[tuple[str, ...], tuple[Any, ...]]] = set()
        self.views: dict[tuple[Any, ...], Collection[int]] = {}

    def nowhere(
        self,
        phrases: Iterable[tuple[str, ...]],
        view: tuple[Any, ...],
        within: Collection[int] | None,
    ) -> None:
        """These phrases were looked for in the view and not found."""
        if len(self.no_phrases) > 100_000:  # a long session on an unchanged library
            self.no_phrases.clear()
        self.no_phrases.update((p, view) for p in phrases)
        if within is not None:
            self.views[view] = within  # its id stays its own while the memo lives

    def no_phrase(self, phrase: tuple[str, ...], view: tuple[Any, ...]) -> bool:
        """Whether no article (in the view) can hold `phrase`: it, or a run of its words,
        was looked for and not found."""
        empty = self.no_phrases
        if not empty:
            return False
        n = len(phrase)
        for size in range(2, n + 1):
            for i in range(n - size + 1):
                part = phrase[i : i + size]
                if (part, view) in empty or (part, ()) in empty:
                    return True
        return False

    @classmethod
    def of(cls, conn: sqlite3.Connection) -> _Memo:
        """The memo of `conn` (one connection at a time: the reader searches on one)."""
        stamp = (conn.total_changes, int(conn.execute("PRAGMA data_version").fetchone()[0]))
        with cls._lock:
            last = cls._last
            if last is not None and last[0] is conn and last[1] == stamp:
                return last[2]
            memo = cls()
            cls._last = (conn, stamp, memo)
            return memo


def _id_plan(plan: _Plan) -> list[dict[int, float]]:
    return [{_term_id(t): s for t, s in c.items()} for c in plan.terms]


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _group(terms: Iterable[str]) -> str:
    return "(" + " OR ".join(map(_quote, terms)) + ")"


def _phrases(phrases: Iterable[tuple[str, ...]]) -> str:
    return " OR ".join(_quote(" ".join(p)) for p in phrases)


def _and(groups: list[list[str]]) -> str:
    return " AND ".join(map(_group, groups))


class _Tier(NamedTuple):
    match: str
    size: int  # a bound on how many articles match (from document frequencies)
    phrases: tuple[tuple[str, ...], ...] = ()  # a phrase tier: the phrases it ORs


def _tiers(plan: _Plan, df: dict[str, int]) -> list[_Tier]:
    """The FTS5 queries for the candidate articles, best tier first."""
    terms = plan.terms
    tiers: list[_Tier] = []
    # The exact term, and the most frequent completions of the word being typed: those hold
    # most of the articles any completion would (all of them are still scored in Python).
    strong = [
        sorted(
            (t for t, s in c.items() if s >= PREFIX),
            key=lambda t: (c[t] < EXACT, -df.get(t, 0)),
        )[: 1 + COMPLETIONS_IN_QUERY]
        for c in terms
    ]
    fuzzy = [
        sorted((t for t, s in c.items() if s < PREFIX), key=c.__getitem__, reverse=True)[
            :FUZZY_IN_QUERY
        ]
        for c in terms
    ]

    # A word is probably mistyped when it is no term, or a rare one next to a far more common
    # correction ("goverment" occurs in 8 wire stories, "government" in 2107).
    typos = [
        bool(f) and (c.get(w) != EXACT or max(df.get(t, 0) for t in f) >= TYPO_DRIFT * df.get(w, 0))
        for w, c, f in zip(plan.words, terms, fuzzy, strict=True)
    ]

    def size_all(groups: list[list[str]]) -> int:
        return min(sum(df.get(t, 0) for t in g) for g in groups)

    if len(terms) > 1:
        # The phrase: exact words (the last one completed while typing), then the phrase
        # with the best corrections of the words that look mistyped.
        exact = [[w] if c.get(w) == EXACT else [] for w, c in zip(plan.words, terms, strict=True)]
        if plan.typing:
            more = [t for t in strong[-1] if t != plan.words[-1]]
            exact[-1] = (exact[-1] + more)[:PHRASE_COMPLETIONS]
        corrected = [
            e + f[:PHRASE_CORRECTIONS] if typo else e
            for e, f, typo in zip(exact, fuzzy, typos, strict=True)
        ]
        for alts in (exact, corrected):
            if all(alts) and (alts is exact or alts != exact):
                phrases = tuple(islice(product(*alts), MAX_PHRASES))
                tiers.append(_Tier(_phrases(phrases), size_all(alts), phrases))
    if all(strong):
        tiers.append(_Tier(_and(strong), size_all(strong)))
    # Typo corrections, first only for the words that look mistyped: a correctly typed word
    # must not drift ("petrolium exports" wants exports, not efforts or escorts,
    # which bm25 would even prefer for being rarer).
    needed = [s + f if typo else s for s, f, typo in zip(strong, fuzzy, typos, strict=True)]
    both = [s + f for s, f in zip(strong, fuzzy, strict=True)]
    for groups in (needed, both):
        if groups != strong and all(groups) and not any(t.match == _and(groups) for t in tiers):
            tiers.append(_Tier(_and(groups), size_all(groups)))
    if len(terms) > 1 and any(both):
        every = list(dict.fromkeys(t for g in both for t in g))
        tiers.append(_Tier(_group(every), sum(df.get(t, 0) for t in every)))
    return tiers


SMALL_WITHIN = 256  # a view this small is matched id by id


class _Within:
    """A large `within` set as a temporary table, refilled only when another set comes."""

    # id(conn) -> (conn, the set, its length); holding them keeps their ids from being reused.
    _filled: ClassVar[dict[int, tuple[sqlite3.Connection, Collection[int], int]]] = {}

    @classmethod
    def clause(
        cls, conn: sqlite3.Connection, within: Collection[int]
    ) -> tuple[str, tuple[Any, ...]]:
        """SQL restricting article_fts's rowid to `within`, and its parameters."""
        if len(within) <= SMALL_WITHIN:
            # FTS5 seeks each id in the doclists: cheaper than matching the whole library.
            return " AND rowid IN (SELECT value FROM json_each(?))", (_json(within),)
        held = cls._filled.get(id(conn))
        if held is None or held[0] is not conn or held[1] is not within or held[2] != len(within):
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS fts_within (id INTEGER PRIMARY KEY)")
            conn.execute("DELETE FROM temp.fts_within")
            conn.executemany(
                "INSERT OR IGNORE INTO temp.fts_within VALUES (?)", ((i,) for i in within)
            )
            if len(cls._filled) > 16:  # connections come and go (tests, workers)
                cls._filled.clear()
            cls._filled[id(conn)] = (conn, within, len(within))
        # `+rowid`: filter the matches, rather than one FTS5 lookup per id of a large set.
        return " AND +rowid IN (SELECT id FROM temp.fts_within)", ()


def _candidates(
    conn: sqlite3.Connection,
    tiers: list[_Tier],
    budget: int,
    within: Collection[int] | None,
    cancel: threading.Event | None,
    memo: _Memo,
    df: dict[str, int],
) -> list[int] | None:
    """Article ids, best tier first, up to `budget`; None when cancelled."""
    found: dict[int, None] = {}
    where, params = "", ()
    # The same `within` object (and length) gives the same view, as `_Within` assumes; the
    # memo's entry holds it, so its id is not reused while the entry lives.
    view: tuple[Any, ...] = ()
    if within is not None:
        where, params = _Within.clause(conn, within)
        view = (id(within), len(within), params)
    for tier in tiers:
        if cancel is not None and cancel.is_set():
            return None
        order = "rank" if tier.size <= RANK_LIMIT else "rowid DESC"
        limit = budget + len(found)
        if tier.phrases:
            # Phrases known to occur nowhere add nothing: FTS5 checks a phrase in every
            # article holding all its words (5-20 ms at 100k, mostly to find none), and typing
            # "central bank interest ra" asks phrases that "central bank interest" rules out.
            live = [p for p in tier.phrases if not memo.no_phrase(p, view)]
            if not live:
                continue
        if tier.phrases and order != "rank" and within is None:
            rows = _phrase_rows(conn, live, limit, df, memo)
        else:
            match = tier.match
            if tier.phrases and len(live) < len(tier.phrases) and order != "rank":
                match = _phrases(live)  # the same articles; a bm25 rank is kept as it was
            key = (match, order, limit, view)
            held = memo.tiers.get(key)
            if held is None:
                found_rows = conn.execute(
                    f"SELECT rowid FROM article_fts WHERE article_fts MATCH ?{where} "
                    f"ORDER BY {order} LIMIT ?",
                    (match, *params, limit),
                ).fetchall()
                held = memo.tiers.put(key, ([r[0] for r in found_rows], within))
                if not found_rows and tier.phrases:
                    memo.nowhere(tier.phrases, view, within)
            rows = held[0]
        for rowid in rows:
            if rowid not in found:
                found[rowid] = None
                if len(found) >= budget:
                    return list(found)
    return list(found)


def _phrase_rows(
    conn: sqlite3.Connection,
    phrases: list[tuple[str, ...]],
    limit: int,
    df: dict[str, int],
    memo: _Memo,
) -> list[int]:
    """The newest `limit` articles holding any of `phrases` (rowid descending), as the FTS5
    query ORing them gives, phrase by phrase: typing "central bank int" then "...inte" asks
    mostly the same phrases (the word being typed completed), and the memo keeps each one's
    articles. Known phrases go first, then the commonest: once `limit` articles are in hand,
    the next phrase is only looked for above the oldest of them (`rowid > ?`, asked in
    ascending order so that FTS5 starts there instead of checking the phrase in every older
    article)."""
    todo = sorted(
        phrases, key=lambda p: ((p, ()) not in memo.phrases, -min(df.get(t, 0) for t in p))
    )
    merged: list[int] = []
    for phrase in todo:
        # Articles at or below the floor add nothing: `limit` newer ones are in hand.
        floor = merged[limit - 1] if len(merged) >= limit else None
        # (newest rowids, d): every article holding the phrase with rowid > d is in the list
        # (d None: every article).
        held = memo.phrases.get((phrase, ()))
        if held is not None and (
            held[1] is None or (floor is not None and held[1] <= floor) or len(held[0]) >= limit
        ):
            rows = held[0]
        else:
            match = _phrases([phrase])
            if floor is None:
                rows = [
                    r[0]
                    for r in conn.execute(
                        "SELECT rowid FROM article_fts WHERE article_fts MATCH ? "
                        "ORDER BY rowid DESC LIMIT ?",
                        (match, limit),
                    )
                ]
            else:
                # Above the floor, FTS5 is asked in ascending order first: it seeks to the
                # floor and walks up to the newest article, while walking down it stops at
                # the floor only on a match, so a phrase found nowhere up there costs a walk
                # of every doclist to the end (100k: "world cup financial" above the newest
                # 17% of rowids, 1.8 ms descending, 0.1 ms ascending). Fewer than `limit`
                # rows: that is all of them. Else the phrase is common up there, and
                # walking down from the newest finds the newest `limit` fast.
                sql = "SELECT rowid FROM article_fts WHERE article_fts MATCH ? AND rowid > ?"
                rows = [r[0] for r in conn.execute(f"{sql} LIMIT ?", (match, floor, limit))]
                if len(rows) >= limit:
                    rows = [
                        r[0]
                        for r in conn.execute(
                            f"{sql} ORDER BY rowid DESC LIMIT ?", (match, floor, limit)
                        )
                    ]
                else:
                    rows.sort(reverse=True)
            down_to = rows[-1] - 1 if len(rows) >= limit else floor
            memo.phrases.put((phrase, ()), (rows, down_to))
            if not rows and floor is None:
                memo.nowhere([phrase], (), None)
        if floor is not None:
            rows = [r for r in rows if r > floor]
        merged = sorted(set(merged).union(rows), reverse=True)[:limit]
    return merged


def _load_docs(
    conn: sqlite3.Connection, ids: list[int], memo: _Memo, texts: dict[int, str]
) -> dict[int, _Doc | _Scan]:
    """The matcher's view of these articles; only those not cached have their text read (and
    kept in `texts` for the snippets)."""
    keys = {aid: memo.keys.get(aid) for aid in ids}
    unknown = [aid for aid, key in keys.items() if key is None]
    read: dict[int, str] = {}
    if unknown:
        # The parser is part of the key: a new parser may give other text for the same bytes.
        # An article this memo has not met is mostly one this process has not read: its text
        # comes in the same query (one query less per keystroke that brings new articles).
        rows = conn.execute(
            "SELECT id, content_hash, parser, title, outlet, byline, date, title_start, "
            "title_end, text FROM article WHERE id IN (SELECT value FROM json_each(?))",
            (_json(unknown),),
        ).fetchall()
        for aid, *key, text in rows:
            keys[aid] = memo.keys.put(aid, tuple(key))
            read[aid] = text
    docs: dict[int, _Doc | _Scan] = {}
    missing: dict[int, tuple[Any, ...]] = {}
    for aid, key in keys.items():
        if key is None:  # deleted since the index was read
            continue
        doc = _CACHE.get(key)
        if doc is not None:
            docs[aid] = doc
            if aid in read:
                texts[aid] = read[aid]  # for its snippets
        elif aid in read:
            docs[aid] = doc = _doc(read[aid], *key[2:])
            _CACHE.put(key, doc)
            texts[aid] = read[aid]
        else:
            missing[aid] = key
    if missing:
        for aid, text in conn.execute(
            "SELECT id, text FROM article WHERE id IN (SELECT value FROM json_each(?))",
            (_json(missing),),
        ):
            key = missing[aid]
            docs[aid] = doc = _doc(text, *key[2:])
            _CACHE.put(key, doc)
            texts[aid] = text
    return docs


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    limit: int = 50,
    cancel: threading.Event | None = None,
    within: Collection[int] | None = None,
) -> list[LibraryHit]:
    """The best hits for `query`, best first: each article's best hit, then more hits.

    `within` restricts the search to these article ids. Returns [] for an empty query, or
    as soon as `cancel` is set (the query went stale).
    """
    if limit <= 0 or (within is not None and not within):
        return []
    memo = _Memo.of(conn)
    plan = _plan(query, SqlLexicon(conn), memo)
    if not plan.words or not any(plan.terms):
        return []
    every = {t for c in plan.terms for t in c}
    df = {t: n for t in every if (n := memo.df.get(t)) is not None}
    if len(df) < len(every):
        asked = every.difference(df)
        known = dict(
            conn.execute(
                "SELECT term, df FROM fts_term WHERE term IN (SELECT value FROM json_each(?))",
                (_json(asked),),
            ).fetchall()
        )
        for t in asked:  # 0: not a term (the exact word typed may be none)
            df[t] = memo.df.put(t, known.get(t, 0))
    budget = max(MIN_BUDGET, limit + limit // 5)
    # A one-letter word just begun after others narrows nothing yet: the articles are picked
    # by the words before it (the same as a keystroke ago, so already tokenised) and its
    # completions only count in the scoring.
    picking = plan
    if plan.typing and len(plan.words) > 1 and len(plan.words[-1]) == 1:
        picking = _Plan(plan.words[:-1], plan.terms[:-1], False)
    ids = _candidates(conn, _tiers(picking, df), budget, within, cancel, memo, df)
    if not ids:
        return []
    order = {aid: n for n, aid in enumerate(ids)}
    texts: dict[int, str] = {}
    docs = _load_docs(conn, ids, memo, texts)
    id_plan = _id_plan(plan)
    query_ = _Query(id_plan, plan.words[-1] if plan.typing else None)
    found: list[tuple[bool, int, float, int, Window, _Places]] = []
    for n, aid in enumerate(ids):
        if cancel is not None and n % 16 == 0 and cancel.is_set():
            return []
        doc = docs.get(aid)
        if doc is None:  # deleted since the index was read
            continue
        places = doc.places(query_)
        windows = windows_at(
            places.hits,
            places.found,
            id_plan,
            meta_from=doc.meta_from,
            title_tokens=doc.title_tokens,
            max_windows=HITS_PER_ARTICLE,
        )
        for r, w in enumerate(windows):
            found.append((w.score < 20, r, -w.score, order[aid], w, places))
    # Hits with every query word come first; among them each article's best hit, then its
    # further hits, so the first screen shows many articles; ties keep the bm25 order.
    found.sort(key=lambda x: x[:4])
    top = found[:limit]
    return _hits(conn, [(ids[o], docs[ids[o]], w, p) for *_, o, w, p in top], texts, memo)


def phrase_counts(
    conn: sqlite3.Connection, text: str, *, size: int, probes: int, limit: int
) -> Counter[int]:
    """For up to `probes` phrases of `size` words spread evenly over `text`: how many of them
    each indexed article holds in its body (at most `limit` articles per phrase). Finds the
    texts that reused this one without a shingle index of the whole library."""
    words, _ = split_words(text)
    terms = [w if w.isascii() else TERMS[w] for w in words]
    terms = [t for t in terms if t]
    starts = range(len(terms) - size + 1)
    if not starts:
        return Counter()
    step = max(1, len(starts) // probes)
    found: Counter[int] = Counter()
    for i in list(starts[::step])[:probes]:
        phrase = _quote(" ".join(terms[i : i + size]))
        rows = conn.execute(
            "SELECT rowid FROM article_fts WHERE article_fts MATCH ? LIMIT ?",
            ("body : " + phrase, limit),
        )
        found.update(int(r[0]) for r in rows)
    return found


def more_like(
    conn: sqlite3.Connection, text: str, *, limit: int, terms: int = 24, exclude: int | None = None
) -> list[int]:
    """Articles most like `text` by the search index, best first: its `terms` most distinctive
    words (count x idf from the index's document frequencies), any of them, ranked by bm25.
    What the compare picker asks of a library whose related index was never built."""
    words, _ = split_words(text)
    counts = Counter(w if w.isascii() else TERMS[w] for w in words)
    counts.pop("", None)
    if not counts:
        return []
    total = max(1, int(conn.execute("SELECT count(*) FROM article").fetchone()[0]))
    df = dict(
        conn.execute(
            "SELECT term, df FROM fts_term WHERE term IN (SELECT value FROM json_each(?))",
            (_json(counts),),
        ).fetchall()
    )
    # Words in more than a tenth of the library shortlist nothing; words in one article (this
    # one) link nothing.
    useful = [t for t in counts if 1 < df.get(t, 0) <= max(2, total // 10) and len(t) > 2]
    useful.sort(key=lambda t: -counts[t] * math.log(total / df[t]))
    if not useful:
        return []
    rows = conn.execute(
        "SELECT rowid FROM article_fts WHERE article_fts MATCH ? ORDER BY rank LIMIT ?",
        ("body : " + _group(useful[:terms]), limit + 1),
    )
    return [int(r[0]) for r in rows if int(r[0]) != exclude][:limit]


def _json(items: Iterable[object]) -> str:
    import json

    return json.dumps(list(items), ensure_ascii=False)


def _texts(conn: sqlite3.Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(
        conn.execute(
            "SELECT id, text FROM article WHERE id IN (SELECT value FROM json_each(?))",
            (_json(ids),),
        ).fetchall()
    )


def _hits(
    conn: sqlite3.Connection,
    top: list[tuple[int, _Doc | _Scan, Window, _Places]],
    texts: dict[int, str],
    memo: _Memo,
) -> list[LibraryHit]:
    """The hits with their snippets. A snippet is kept in the memo by the words it marks:
    typing re-finds the same places, and then their articles' texts are not read again."""
    placed = []
    for aid, doc, w, places in top:
        in_meta, start, end, spans = _span(doc, w, places)
        key = (aid, in_meta, tuple(spans))
        placed.append((aid, doc, w.score, in_meta, start, end, spans, key, memo.snippets.get(key)))
    need = {p[0] for p in placed if p[8] is None and not p[3]}
    texts.update(_texts(conn, need.difference(texts)))
    out = []
    for aid, doc, score, in_meta, start, end, spans, key, snippet in placed:
        if snippet is None:
            source = doc.meta if in_meta else texts[aid]
            snippet = memo.snippets.put(key, make_snippet(source, start, end, spans))
        if in_meta:  # offsets into the text only; the metadata line has none
            start = end = 0
        out.append(LibraryHit(aid, score, start, end, snippet[0], snippet[1]))
    return out


def find_in_text(
    query: str, text: str, *, conn: sqlite3.Connection | None = None
) -> list[tuple[int, int]]:
    """Every hit of `query` in `text` (one article's text), in text order, for next/previous
    hit in the reader.

    Query words are expanded by the same rules as `search`: over the library's vocabulary
    when `conn` is given (then exactly as `search` expanded them), else over the text's own
    words.
    """
    tokens = _tokens(text)
    if conn is not None:
        lexicon: fts_vocab.Lexicon = SqlLexicon(conn)
    else:
        lexicon = TextLexicon(map(_TERM_NAMES.__getitem__, tokens.ids))
    plan = _plan(query, lexicon)
    if not plan.words or not any(plan.terms):
        return []
    windows = find_windows(
        tokens.ids,
        _id_plan(plan),
        meta_from=len(tokens.ids),
        max_windows=None,
        max_occurrences=IN_ARTICLE_CAP,
        max_anchors=IN_ARTICLE_CAP,
    )
    # Where the whole query occurs somewhere, stray single words are noise for n/N.
    if any(w.score >= 20 for w in windows):
        windows = [w for w in windows if w.score >= 20]
    return sorted((tokens.starts[w.first], tokens.ends[w.last]) for w in windows)
