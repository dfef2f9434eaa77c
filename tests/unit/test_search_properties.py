"""Property tests: whatever the text and query, hits stay inside the text and the snippet."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus import parse_text
from newsreader.search import SearchIndex
from newsreader.search.tokens import fold_word
from newsreader.text import clean_for_display

WORDS = ["Café", "cafe", "İstanbul", "ﬁnal", "Straße", "news", "nëws", "北京", "e\u0301t", "UN75"]
piece = st.one_of(
    st.sampled_from(WORDS),
    st.text(min_size=1, max_size=8),
    st.sampled_from([" ", "\n", "\n\n", "  ", ".", "[bold]", "\x1b[1m", "\t"]),
)
texts = st.lists(piece, min_size=1, max_size=40).map("".join)
queries = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=3).map(" ".join), st.text(max_size=12)
)


@settings(max_examples=150, deadline=None)
@given(st.lists(texts, min_size=1, max_size=4), queries)
def test_hits_and_spans_stay_inside(docs: list[str], query: str):
    articles = [parse_text(t, Path(f"/tmp/h{i}.txt")) for i, t in enumerate(docs)]
    index = SearchIndex.build(articles)
    for hit in index.search(query, limit=20):
        text = hit.article.text
        assert 0 <= hit.start <= hit.end <= len(text)
        if hit.end > hit.start:
            # The hit starts and ends on the word that matched, not mid-character-run.
            assert fold_word(text[hit.start : hit.end])
        for a, b in hit.snippet_highlights:
            assert 0 <= a < b <= len(hit.snippet)
            if hit.end > hit.start:
                # Each highlighted word is part of the hit, as displayed.
                shown = " ".join(clean_for_display(text[hit.start : hit.end]).split())
                assert hit.snippet[a:b] in shown
    for article in articles:
        spans = index.find_in_article(query, article)
        assert spans == sorted(spans)
        assert all(0 <= a <= b <= len(article.text) for a, b in spans)
