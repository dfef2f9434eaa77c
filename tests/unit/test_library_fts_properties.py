"""Property tests for the library search: whatever the texts and the query, every hit lies
inside its article's text and covers words that answer the query words."""

from __future__ import annotations

import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.library import db, fts
from newsreader.library.fts_vocab import ratio, term_of
from newsreader.search.tokens import query_words, split_words, word_spans
from newsreader.search.vocab import _one_edit_prefixes, fuzzy_cutoff

WORDS = ["Café", "cafe", "İstanbul", "ﬁnal", "Straße", "news", "nëws", "北京", "e\u0301t", "UN75"]
WORDS += ["meeting", "meting", "Tencent", "exports", "efforts", "ﬁnance", "Ten\u200bcent"]
piece = st.one_of(
    st.sampled_from(WORDS),
    st.text(min_size=1, max_size=8),
    st.sampled_from([" ", "\n", "\n\n", "  ", ".", "[bold]", "\x1b[1m", "\t", '"', "*"]),
)
texts = st.lists(piece, min_size=1, max_size=40).map("".join)
queries = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(lambda w: " ".join(w)[:-1]),
    st.text(max_size=12),
)


def library(docs: list[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    db.migrate(conn)
    conn.execute("INSERT INTO source (id, kind, locator, added_at) VALUES (1, 'folder', '/', 0)")
    for i, text in enumerate(docs):
        conn.execute(
            """INSERT INTO article (id, source_id, locator, content_hash, parser, text,
                display_title, kind, paragraphs, added_at)
               VALUES (?, 1, ?, ?, 't', ?, 'x', 'news', x'', 0)""",
            (i + 1, f"/d{i}", f"hash{i}:{text}", text),
        )
    fts.index_articles(conn, range(1, len(docs) + 1))
    return conn


def answers(word: str, query: str) -> bool:
    """Whether text word `word` can answer some word of `query` (exactly, as a completion of
    the last word, or as a typo)."""
    term = term_of(word.lower())
    words = [t for t in (term_of(w) for w in query_words(query)) if t]
    for i, q in enumerate(words):
        if term == q:
            return True
        typing = i == len(words) - 1 and query[-1:].isalnum()
        if typing and term.startswith(q):
            return True
        if typing and len(q) >= 5 and q.isalpha():  # a typo in the word being typed
            variants = _one_edit_prefixes(q)
            if any(term[:k] in variants for k in range(len(q) - 1, len(q) + 2)):
                return True
        if len(q) >= 4 and ratio(q, term) >= fuzzy_cutoff(len(q)):
            return True
    return False


@settings(max_examples=120, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), queries)
def test_hits_lie_in_the_text_and_match_query_words(docs: list[str], query: str):
    conn = library(docs)
    for hit in fts.search(conn, query, limit=20):
        text = docs[hit.article_id - 1]
        assert 0 <= hit.start <= hit.end <= len(text)
        if hit.end > hit.start:
            spans = word_spans(text[hit.start : hit.end])
            # The hit starts and ends on words that answer the query.
            first = text[hit.start : hit.start + spans[0][1]]
            last = text[hit.start + spans[-1][0] : hit.end]
            assert spans[0][0] == 0 and spans[-1][1] == hit.end - hit.start
            assert answers(first, query) and answers(last, query)
        for a, b in hit.snippet_highlights:
            assert 0 <= a < b <= len(hit.snippet)
            assert answers(hit.snippet[a:b], query)
    for a, b in fts.find_in_text(query, docs[0]):
        assert 0 <= a < b <= len(docs[0])
        assert answers(docs[0][a : a + word_spans(docs[0][a:b])[0][1]], query)
    conn.close()


@settings(max_examples=100, deadline=None)
@given(st.lists(texts, min_size=1, max_size=3), st.data())
def test_every_word_of_an_article_finds_it(docs: list[str], data):
    """Whatever path a text took into FTS5 (ASCII as is, else its folded terms), each of its
    words, searched as a finished word, finds it."""
    conn = library(docs)
    spans = word_spans(docs[0])
    if spans:
        a, b = data.draw(st.sampled_from(spans))
        word = docs[0][a:b]
        if term_of(word.lower()):
            hits = fts.search(conn, word + " ")
            assert 1 in {h.article_id for h in hits}
    conn.close()


# ASCII, the non-ASCII punctuation news is full of, and characters that can be inside words.
ALPHABET = [chr(i) for i in range(128)] + list("£€“”‘’—–…\u00a0\u00ad\u200béÉ北\u0301ﬁ⑴")


@settings(max_examples=300)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_fast_paths_give_the_same_words(text: str):
    """Texts of ASCII words take shortcuts into FTS5 and through the matcher; both must see
    exactly the words (and offsets) of search.tokens."""
    row = (1, text, None, None, None, None)
    _body, _meta, fast = fts._fts_values(row)
    assert fast == {t for t in (term_of(w) for w in query_words(text)) if t}
    tokens = fts._tokens(text)
    words, starts = split_words(text)
    assert list(tokens.starts) == starts
    assert list(tokens.ends) == [a + len(w) for a, w in zip(starts, words, strict=True)]
    assert [fts._TERM_NAMES[i] for i in tokens.ids] == [term_of(w) for w in words]
