"""Search ranking, typo/accent tolerance and offsets, on small hand-made corpora."""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

from newsreader.corpus import Article, load_corpus, parse_text
from newsreader.search import SearchIndex
from newsreader.search.tokens import fold_word


def make_index(*texts: str) -> SearchIndex:
    return SearchIndex.build([parse_text(t, Path(f"/tmp/doc{i}.txt")) for i, t in enumerate(texts)])


def names(hits) -> list[str]:
    return [h.article.path.name for h in hits]


def fold(s: str) -> str:
    return " ".join(fold_word(w) for w in s.split())


def test_typo_finds_the_word():
    index = make_index("The government said on Monday it would act.", "Nothing to see here.")
    hits = index.search("goverment")
    assert names(hits) == ["doc0.txt"]
    assert index.articles[0].text[hits[0].start : hits[0].end] == "government"


def test_long_words_tolerate_two_typos_short_words_one():
    index = make_index("The announcement comes ahead of the summit.", "Nothing to see here.")
    hits = index.search("anmouncememt")  # two letters wrong in a twelve-letter word
    assert names(hits) == ["doc0.txt"]
    assert index.articles[0].text[hits[0].start : hits[0].end] == "announcement"
    assert index.search("snmnit ") == []  # two typos in a six-letter word: another word


def test_exact_phrase_then_scattered_words_then_typos():
    index = make_index(
        "A fox that was quick ran off.",  # both words, apart
        "The quikc fox ran off.",  # phrase with a typo
        "The quick fox ran off.",  # exact phrase
        "A quick look at the weather.",  # one word only
    )
    hits = index.search("quick fox ")
    assert names(hits)[:3] == ["doc2.txt", "doc0.txt", "doc1.txt"]
    assert hits[0].score > hits[1].score > hits[2].score
    assert "doc3.txt" in names(hits)  # partial matches still listed, last
    assert names(hits)[-1] == "doc3.txt"


def test_word_being_typed_is_completed():
    index = make_index("Officials met at the meeting hall.", "The weather was fine.")
    hits = index.search("meeti")
    assert names(hits) == ["doc0.txt"]
    assert index.articles[0].text[hits[0].start : hits[0].end] == "meeting"
    # A finished word (trailing space) is not completed, only typo-matched.
    assert index.search("meeti ") == [] or index.search("meeti ")[0].score < hits[0].score


def test_accent_and_case_insensitive_both_ways():
    index = make_index("Le Café de Flore est ouvert.", "A CAFE in town.", "Un cafe\u0301 noir.")
    for query in ("cafe", "CAFÉ", "café"):
        assert sorted(names(index.search(query))) == ["doc0.txt", "doc1.txt", "doc2.txt"]
    for hit in index.search("cafe"):
        found = hit.article.text[hit.start : hit.end]
        assert fold_word(found) == "cafe"
    decomposed = next(h for h in index.search("cafe") if h.article.path.name == "doc2.txt")
    # The combining accent belongs to the word: the span covers it.
    assert decomposed.article.text[decomposed.start : decomposed.end] == "cafe\u0301"


def test_offsets_point_into_original_text_after_unusual_characters():
    # Characters that change length when lower-cased or normalised must not shift offsets.
    text = "İstanbul ﬁnance: Straße. Then the Tencent Meeting began."
    index = make_index(text)
    (hit,) = index.search("tencent meeting")[:1]
    assert text[hit.start : hit.end] == "Tencent Meeting"
    assert hit.snippet[slice(*hit.snippet_highlights[0])] == "Tencent"


def test_phrase_offsets_and_snippet_highlights():
    text = "Intro line.\n\nLater the Prime   Minister\nspoke at length about the budget."
    index = make_index(text)
    hit = index.search("prime minister")[0]
    assert text[hit.start : hit.end] == "Prime   Minister"
    marked = [hit.snippet[a:b] for a, b in hit.snippet_highlights]
    assert marked == ["Prime", "Minister"]
    assert "  " not in hit.snippet and "\n" not in hit.snippet  # whitespace collapsed


def test_snippet_is_about_120_chars_and_cleaned():
    filler = "word " * 200
    text = filler + "the \x1b[31m needle\x07 here " + filler
    index = make_index(text)
    hit = index.search("needle")[0]
    assert text[hit.start : hit.end] == "needle"
    assert 80 <= len(hit.snippet) <= 140
    assert "\x1b" not in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert [hit.snippet[a:b] for a, b in hit.snippet_highlights] == ["needle"]


def test_find_in_article_lists_every_hit_in_text_order():
    text = "Tencent Meeting first. Tencent later. Then Tencent Meeting again, Tencent Meeting."
    index = make_index(text)
    spans = index.find_in_article("tencent meeting", index.articles[0])
    assert spans == sorted(spans)
    assert [text[a:b] for a, b in spans] == ["Tencent Meeting"] * 3
    single = index.find_in_article("tencent", index.articles[0])
    assert [text[a:b] for a, b in single] == ["Tencent"] * 4


def test_seeds_typo_query_hits_all_five(seeds_dir: Path):
    corpus = load_corpus([seeds_dir])
    index = SearchIndex.build(corpus)
    hits = index.search("tencent meting")
    assert len({h.article.path for h in hits}) == len(corpus.articles) == 5
    best = hits[0]
    assert fold(best.article.text[best.start : best.end]) == "tencent meeting"


def test_empty_and_wordless_queries_return_nothing():
    index = make_index("Some text with words.")
    for query in ("", "   ", "!!! ...", "\x1b["):
        assert index.search(query) == []
        assert index.find_in_article(query, index.articles[0]) == []


def test_markup_characters_in_query_are_literal():
    text = "Write [bold]loud[/bold] text, not bold claims."
    index = make_index(text)
    hits = index.search("[bold]")
    assert hits
    assert all(text[h.start : h.end].lower() == "bold" for h in hits)
    assert "[bold]" in hits[0].snippet


def test_limit_hits_per_article_and_best_first():
    index = make_index(
        *[f"Story {i}: the storm hit the coast. The storm moved on." for i in range(30)]
    )
    hits = index.search("storm", limit=10)
    assert len(hits) == 10
    # The first round shows each article's best hit before any article's second hit.
    assert len({h.article.path for h in hits}) == 10
    assert index.search("storm", limit=0) == []
    assert len(index.search("storm")) == 50


def test_metadata_is_searched():
    article = Article(path=Path("/tmp/m.txt"), text="Markets fell sharply today.", outlet="Reuters")
    index = SearchIndex.build([article])
    (hit,) = index.search("reuters")
    assert (hit.start, hit.end) == (0, 0)  # the outlet is not in the text
    assert hit.snippet[slice(*hit.snippet_highlights[0])] == "Reuters"
    assert index.search("reuters markets")[0].article is article


def test_cjk_text_is_searchable():
    text = "新华社北京电 今天北京天气很好。"
    index = make_index(text, "Nothing here.")
    hits = index.search("北京")
    assert names(hits) == ["doc0.txt", "doc0.txt"]
    assert all(text[h.start : h.end] == "北京" for h in hits)


def test_cancel_stops_search_and_build():
    index = make_index("alpha beta gamma", "beta gamma delta")
    cancel = threading.Event()
    cancel.set()
    assert index.search("beta", cancel=cancel) == []
    partial = SearchIndex.build(index.articles, cancel=cancel)
    assert not partial.complete and len(partial) == 0
    assert SearchIndex.build(index.articles).complete


def test_progress_reports_completion():
    seen: list[tuple[int, int]] = []
    SearchIndex.build(
        [parse_text(f"text {i}", Path(f"/tmp/p{i}")) for i in range(3)],
        progress=lambda d, t: seen.append((d, t)),
    )
    assert seen[-1] == (3, 3)


def test_nfkd_fold_is_used_for_compatibility_characters():
    index = make_index("The ﬁnal report.")
    hit = index.search("final")[0]
    assert unicodedata.normalize("NFKD", hit.article.text[hit.start : hit.end]) == "final"


def test_long_pasted_sentence_is_found_as_a_phrase():
    sentence = (
        "the committee said on tuesday that it would publish its full report on the "
        "causes of the flooding before the end of the summer recess"
    )
    index = make_index(
        "Intro. " + sentence.capitalize() + ". Outro.",
        " ".join(reversed(sentence.split())),  # every word, no phrase
    )
    hits = index.search(sentence)
    assert hits[0].article.path.name == "doc0.txt"
    assert hits[0].article.text[hits[0].start : hits[0].end].lower() == sentence
    assert hits[0].score >= 80  # tier 4: a phrase


def test_find_in_article_accepts_an_equal_reloaded_article():
    index = make_index("The storm hit the coast.")
    again = parse_text("The storm hit the coast.", index.articles[0].path)
    assert index.find_in_article("storm", again) == [(4, 9)]
    changed = parse_text("Another storm text.", index.articles[0].path)
    assert index.find_in_article("storm", changed) == [(8, 13)]  # tokenised on the fly


def test_typo_in_the_word_being_typed_still_completes():
    index = make_index("The government met online.", "A governor spoke.")
    hits = index.search("govrnme")  # half-typed "government", one letter missing
    assert names(hits) == ["doc0.txt"]
    assert index.articles[0].text[hits[0].start : hits[0].end] == "government"
    assert index.search("govrnme ") == []  # a finished word is not completed


def test_giant_article_is_capped_not_stalled():
    text = "storm over the coast and more storm " * 5000
    index = make_index(text)
    assert len(index.search("storm")) == 3  # a few hits per article, not thousands
    spans = index.find_in_article("storm", index.articles[0])
    assert len(spans) > 1000 and spans == sorted(spans)
    assert all(text[a:b] == "storm" for a, b in spans[:50])


def test_title_hit_outranks_a_body_hit():
    filler = "Other news of the day. " * 30
    body = Article(path=Path("/tmp/body.txt"), text=filler + "A storm is coming.")
    titled = Article(
        path=Path("/tmp/title.txt"),
        text="Storm hits the coast\n\n" + filler,
        title="Storm hits the coast",
        title_span=(0, 20),
    )
    index = SearchIndex.build([body, titled])
    hits = index.search("storm")
    assert [h.article for h in hits] == [titled, body]
    assert (hits[0].start, hits[0].end) == (0, 5)


def test_phrase_found_when_many_articles_have_both_words(monkeypatch):
    import newsreader.search.index as index_module

    monkeypatch.setattr(index_module, "MIN_DOC_BUDGET", 5)  # scan few articles per query
    scattered = ["Year after year, one two three four, the end."] * 40
    index = make_index(*scattered, "It was the year of the flood.")
    hits = index.search("the year ", limit=2)
    assert hits[0].article.path.name == "doc40.txt"
    assert hits[0].article.text[hits[0].start : hits[0].end] == "the year"
