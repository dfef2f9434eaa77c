"""The corpus view: ranking, duplicates, dates as tie-breaker, progress and cancel."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from newsreader.corpus import Corpus, parse_text
from newsreader.reuse import Cancelled, RelatedIndex, compare_articles, related

STORY = (
    "Heavy rain caused rivers to burst their banks across the northern province, forcing "
    "residents to leave their homes, local officials said.\n\n"
    "Emergency crews used boats to rescue families trapped on rooftops in several villages."
)
OTHER = (
    "The central bank raised interest rates by a quarter point, citing stubborn inflation in "
    "services and a tight labour market.\n\n"
    "Analysts expect one more increase before the end of the year."
)
FOLLOW_UP = (
    "Rivers burst their banks again in the northern province as rescue crews with boats "
    "reached villages cut off by the floods."
)


def corpus(*texts: tuple[str, str, str | None]) -> Corpus:
    arts = []
    for name, text, date in texts:
        art = parse_text(text, Path("/corpus") / name)
        art.date = date
        arts.append(art)
    return Corpus(arts)


def test_duplicate_is_top_with_score_one() -> None:
    c = corpus(("a", STORY, None), ("b", OTHER, None), ("c", STORY, None), ("d", FOLLOW_UP, None))
    index = RelatedIndex.build(c)
    top = index.related(c.articles[0], top=3)
    assert top[0].article.path.name == "c" and top[0].score == pytest.approx(1.0, abs=1e-3)
    assert top[0].shared_chars > 0.9 * len(STORY)
    # the follow-up on the same floods ranks above the unrelated story
    assert [r.article.path.name for r in top][:2] == ["c", "d"]
    assert all(0.0 <= r.score <= 1.0 for r in top)


def test_equal_scores_prefer_the_closest_date() -> None:
    c = corpus(
        ("today", STORY, "2024-05-02"),
        ("far", STORY, "2023-01-01"),
        ("near", STORY, "2024-05-01"),
    )
    top = RelatedIndex.build(c).related(c.articles[0], top=2)
    assert [r.article.path.name for r in top] == ["near", "far"]


def test_related_for_every_article_with_progress() -> None:
    c = corpus(("a", STORY, None), ("b", OTHER, None), ("c", FOLLOW_UP, None))
    seen = []
    results = related(c, top=5, progress=lambda done, total: seen.append((done, total)))
    assert [a.path.name for a, _ in results] == ["a", "b", "c"]
    assert all(a not in [r.article for r in rel] for a, rel in results)
    assert seen[-1] == (6, 6) and seen == sorted(seen)


def test_cancel_stops_work() -> None:
    cancel = threading.Event()
    cancel.set()
    c = corpus(("a", STORY, None), ("b", STORY, None))
    with pytest.raises(Cancelled):
        RelatedIndex.build(c, cancel=cancel)
    with pytest.raises(Cancelled):
        compare_articles(c.articles[0], c.articles[1], cancel=cancel)


def test_copied_sentences_outrank_a_shared_topic() -> None:
    release = (
        "Acme Water today announced a new treatment plant that will supply clean drinking water "
        "to forty thousand households in the eastern valley from next spring.\n\n"
        "The plant uses solar-powered filtration and was designed with engineers from the "
        "regional university over two years of field trials."
    )
    story = (
        "Valley residents have waited years for reliable water. Acme Water today announced a new "
        "treatment plant that will supply clean drinking water to forty thousand households in "
        "the eastern valley from next spring.\n\n"
        "Residents complained about shortages and water quality at a valley meeting on Friday."
    )
    topic = (
        "Valley residents complained about water shortages and poor water quality at a crowded "
        "meeting, where residents said the valley had waited years for reliable water and "
        "quality checks."
    )
    c = corpus(("release", release, None), ("story", story, None), ("topic", topic, None))
    top = RelatedIndex.build(c).related(c.articles[1], top=2)
    assert [r.article.path.name for r in top] == ["release", "topic"]
    assert top[0].shared_chars > 100 and top[1].shared_chars == 0


def test_an_identical_text_ranks_first_among_look_alike_notices() -> None:
    # Newswire repeats a notice with a line added (a correction, a contact): with tf-idf and
    # shared shingles those look-alikes score 1.0 when rounded, like the true duplicate, which
    # must still come first even when the look-alikes are closer in date.
    body = (
        "Acme Industrial Holdings Corp said its board of directors declared a regular quarterly "
        "cash dividend on its common stock payable to shareholders of record, unchanged from "
        "the prior quarter, and said the company expects earnings for the full fiscal year to "
        "be in line with the estimates it gave investors at its annual meeting in Chicago last "
        "month, citing steady demand for industrial fasteners, valves and pumping equipment "
        "across its North American and European markets."
    )
    extras = ["Reuter.", "Corrected.", "Repeats.", "Adds contact.", "Updated.", "Moved."]
    texts = [("original", body, "1987-03-10")]
    texts += [(f"near{i}", f"{body} {x}", f"1987-03-{11 + i}") for i, x in enumerate(extras)]
    texts.append(("copy", body, "1986-01-01"))
    texts += [(f"f{k}", f"Rain and wind item {k} in the hills, w{k}.", None) for k in range(60)]
    c = corpus(*texts)
    index = RelatedIndex.build(c)
    original, copy = c.articles[0], c.articles[len(extras) + 1]
    assert index.related(original, top=5)[0].article is copy
    assert index.related(copy, top=5)[0].article is original


def test_the_same_words_copied_outrank_them_reworded() -> None:
    # Same content words (so the same tf-idf vector), once copied and once reworded: only the
    # shared text tells them apart, and a copy is evidence of where a story came from.
    story = (
        "Valley residents have waited years for reliable water, and on Friday they packed the "
        "town hall to complain about shortages.\n\n"
        "Acme Water today announced a new treatment plant that will supply clean drinking water "
        "to forty thousand households in the eastern valley from next spring."
    )
    tail = (
        "\n\nAcme Water is a subsidiary of Acme Holdings, with operations in nine countries and "
        "annual revenue of two billion euros."
    )
    copied = (
        "Acme Water today announced a new treatment plant that will supply clean drinking water "
        "to forty thousand households in the eastern valley from next spring." + tail
    )
    reworded = (
        "Next spring a new Acme Water treatment plant will supply forty thousand households in "
        "the eastern valley with clean drinking water, announced today." + tail
    )
    c = corpus(
        ("reworded", reworded, None),
        ("story", story, None),
        ("copied", copied, None),
        ("flood", STORY, None),
        ("rates", OTHER, None),
        ("follow-up", FOLLOW_UP, None),
    )
    top = RelatedIndex.build(c).related(c.articles[1], top=2)
    assert [r.article.path.name for r in top] == ["copied", "reworded"]
    assert top[0].score > top[1].score + 0.02


def test_a_notice_in_common_words_queries_only_bounded_postings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Too few rare terms: the heaviest terms in at most FALLBACK_POSTINGS articles are asked,
    never a term in more (whose postings would grow with the corpus)."""
    import sys

    related_module = sys.modules["newsreader.reuse.related"]  # `reuse.related` is the function
    monkeypatch.setattr(related_module, "MAX_POSTINGS", 1)
    monkeypatch.setattr(related_module, "FALLBACK_POSTINGS", 3, raising=False)
    texts = [
        "Dividend declared quarterly payout board",  # the notice
        "Dividend declared quarterly payout board again",  # shares its terms (df 2-3)
        "Quarterly payout board meets",
        *[f"Shares market trading session {n} closes" for n in range(6)],  # df 6: too common
        "Dividend shares market trading session",
    ]
    articles = [parse_text(t, Path(f"/tmp/n{n}.txt")) for n, t in enumerate(texts)]
    index = RelatedIndex.build(Corpus(articles=articles))
    asked: list[int] = []
    posting = index._posting

    def recording(term: int) -> list[int]:
        asked.append(len(posting(term)))
        return posting(term)

    monkeypatch.setattr(index, "_posting", recording)
    found = [r.article for r in index.related(articles[0], 3)]
    assert found[0] is articles[1]
    assert asked and max(asked) <= 3  # "shares", "market"... (in 7 articles) never walked
