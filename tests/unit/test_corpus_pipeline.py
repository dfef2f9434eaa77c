"""The whole pipeline on arbitrary text: never crashes, every span is honest."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus import parse_text

_pieces = st.sampled_from(
    [
        "a", "B", " ", "\n", "\n\n", ".", "?", '"', "“", "”", "’", ":", "(", ")", "@x", "—", "-",
        "|", "・", "•", "1", "2020", "-04-01", "April 1, 2020", "By ", "Written by Jo Doe",
        "Related", "LIKE 3", "See also: ", "HONG KONG, ", "/PRNewswire/", "(AP)", "U.S.", "Mr.",
        "omniture", "Photo: x", "<p>", "</p>", "<html>", "\t", "\u00a0", "\r\n", "腾讯。", "#",
    ]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=120).map("".join))
def test_parse_text_spans_are_valid(text: str) -> None:
    article = parse_text(text, Path("/tmp/fuzz.txt"))
    n = len(article.text)
    last = 0
    for p in article.paragraphs:
        assert last <= p.start < p.end <= n
        for s in p.sentences:
            assert p.start <= s.start < s.end <= p.end
        last = p.end
    if article.title_span is not None:
        start, end = article.title_span
        assert 0 <= start < end <= n
        assert article.text[start:end] == article.title
    assert article.kind in {"news", "press_release"}
    if article.date is not None:
        assert len(article.date) == 10 and article.date[4] == "-"
