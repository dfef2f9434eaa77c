"""Saving and loading a SearchIndex for the on-disk cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.corpus import load_corpus, parse_text
from newsreader.search import SearchIndex


def test_round_trip_gives_the_same_hits(seeds_dir: Path):
    corpus = load_corpus([seeds_dir])
    index = SearchIndex.build(corpus)
    again = SearchIndex.loads(corpus, index.dumps())
    assert again.complete and len(again) == len(index)
    for query in ("tencent meting", "un", "global times", "cafe"):
        assert [h.to_json() for h in again.search(query)] == [
            h.to_json() for h in index.search(query)
        ]
    article = corpus.articles[1]
    assert again.find_in_article("tencent", article) == index.find_in_article("tencent", article)


def test_unicode_and_metadata_survive():
    a = parse_text("Le café. 北京 news.", Path("/tmp/u.txt"))
    a.outlet = "Le Monde"
    index = SearchIndex.loads([a], SearchIndex.build([a]).dumps())
    assert index.search("cafe")[0].start == 3
    assert index.search("monde")[0].snippet == "Le Monde"
    assert index.search("北京")


def test_wrong_articles_or_damage_raise_value_error():
    articles = [parse_text("alpha beta", Path("/tmp/a.txt"))]
    data = SearchIndex.build(articles).dumps()
    other = [parse_text("something longer", Path("/tmp/a.txt"))]
    with pytest.raises(ValueError):
        SearchIndex.loads(other, data)
    for broken in (b"", b"junk", data[:-3], data[:20], b"X" + data[1:]):
        with pytest.raises(ValueError):
            SearchIndex.loads(articles, broken)


def test_odd_characters_in_metadata_and_text_survive():
    a = parse_text("Lone surrogate \ud800 and NUL \x00 inside. storm", Path("/tmp/o.txt"))
    a.byline = "By A\x00B \ud83d"
    index = SearchIndex.loads([a], SearchIndex.build([a]).dumps())
    assert index.search("storm")[0].article is a
    assert index._docs[0].meta == "By A\x00B \ud83d"
