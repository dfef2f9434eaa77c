"""Story clusters and origin guesses: on a hand-made corpus and on the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.corpus import load_corpus, parse_text
from newsreader.provenance import (
    build_graph,
    build_stories,
    clusters_json,
    guess_origin,
    shares_text,
)
from newsreader.provenance.clusters import ComparisonCache
from newsreader.provenance.signals import release_signals
from newsreader.reuse import RelatedIndex, compare_articles

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


@pytest.fixture(scope="module")
def made_stories():
    corpus = load_corpus([FIXTURES])
    return corpus, build_stories(corpus)


def names(articles) -> set[str]:
    return {a.path.name for a in articles}


def test_hand_made_corpus_has_two_stories_and_leaves_the_unrelated_out(made_stories) -> None:
    _corpus, stories = made_stories
    assert [len(s) for s in stories] == [4, 2]
    assert names(stories[0].articles) == {"release.txt", "daily.txt", "gazette.txt", "weekly.txt"}
    assert names(stories[1].articles) == {"football.txt", "football_copy.txt"}
    clustered = {a.path.name for s in stories for a in s.articles}
    assert "unrelated.txt" not in clustered  # same topic (drones), no shared text


def test_release_is_the_origin_with_reasons(made_stories) -> None:
    _, stories = made_stories
    origin = stories[0].origin
    assert origin.article.path.name == "release.txt"
    assert origin.confident
    text = " ".join(origin.reasons)
    assert "/PRNewswire/" in text
    assert "today announced" in text
    assert "earliest date" in text
    assert next(c.article for c in origin.candidates) is origin.article


def test_members_form_a_timeline_unknown_dates_last(made_stories) -> None:
    _, stories = made_stories
    members = stories[0].members
    assert [m.article.path.name for m in members] == [
        "release.txt",
        "gazette.txt",
        "weekly.txt",
        "daily.txt",  # no date: last
    ]
    assert members[0].is_origin and members[0].comparison is None
    for m in members[1:]:
        assert m.comparison.a is stories[0].origin.article
        assert 0 < m.reused_pct <= 100


def test_direction_without_release_signals_or_dates() -> None:
    """Two copies take different parts of a source plus one common paragraph: the source
    holds what the copies share with each other, so it is the origin without any other clue."""
    s1 = (
        "The regional water board approved a plan on Tuesday to replace lead pipes in every "
        "school building in the district before the next winter begins."
    )
    s2 = (
        "Engineers estimate that the work will require closing some playgrounds for several "
        "weeks while trenches are dug and new connections are fitted."
    )
    s3 = (
        "Parents who campaigned for the change said they had waited far too long for officials "
        "to admit that the old pipes were a danger to young children."
    )
    s4 = (
        "The board will publish a timetable for each school on its website and hold public "
        "meetings in the spring to answer questions from families and staff."
    )
    source = parse_text(f"{s1}\n\n{s2}\n\n{s3}\n\n{s4}", Path("source.txt"))
    own1 = (
        "Our reporter visited three schools last week and found buckets collecting water "
        "under leaking sinks in two of them, which teachers blamed on the ageing building."
    )
    own2 = (
        "A local plumber who has worked in the district for thirty years said the network of "
        "pipes under the old town had never been properly mapped by anyone."
    )
    copy1 = parse_text(f"{s1}\n\n{s2}\n\n{own1}", Path("copy1.txt"))
    copy2 = parse_text(f"{s1}\n\n{s3}\n\n{own2}", Path("copy2.txt"))
    copy3 = parse_text(f"{own2}\n\n{s4}\n\n{s1}", Path("copy3.txt"))
    origin = guess_origin([copy1, source, copy2, copy3], ComparisonCache())
    assert origin.article is source
    assert any("share with each other" in r for r in origin.reasons)
    assert not release_signals(source)


def test_release_signals_are_general() -> None:
    text = (
        "Widget Corp opens new factory\n\n"
        "AUSTIN, Texas--(BUSINESS WIRE)--Widget Corp, a maker of widgets, today announced the "
        "opening of a new factory.\n\n"
        "About Widget Corp\n\nWidget Corp makes widgets.\n\n"
        "Media Contacts:\nJane Roe, jane@widget.example"
    )
    found = {s.name for s in release_signals(parse_text(text, Path("w.txt")))}
    assert {"wire_dateline", "today_announced", "about_section", "contact"} <= found
    plain = parse_text("The mayor said on Friday that the bridge would reopen.", Path("n.txt"))
    assert release_signals(plain) == []


def test_clusters_json_paths_are_absolute(made_stories) -> None:
    corpus, _ = made_stories
    clusters = clusters_json(corpus, RelatedIndex.build(corpus))
    assert [len(c) for c in clusters] == [4, 2]
    assert all(Path(p).is_absolute() for c in clusters for p in c)
    assert Path(clusters[0][0]).name == "release.txt"  # timeline order: earliest first


def test_graph_only_compares_candidate_pairs(made_stories) -> None:
    corpus, _ = made_stories
    graph = build_graph(corpus, top=1)
    # with one neighbour each, at most one comparison per article
    assert len(graph.cache._done) <= 2 * len(corpus.articles)


def test_seeds_one_story_of_five_with_001_as_origin(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    stories = build_stories(corpus)
    assert len(stories) == 1
    story = stories[0]
    assert len(story) == 5
    assert story.origin.article.path.name.startswith("001_")
    assert story.origin.confident
    assert any("PRNewswire" in r for r in story.origin.reasons)


def test_cancel_stops_clustering(seeds_dir: Path) -> None:
    import threading

    from newsreader.reuse import Cancelled

    corpus = load_corpus([seeds_dir])
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        build_stories(corpus, cancel=cancel)


def test_pair_direction_copy_is_made_of_the_source() -> None:
    """No dates, no release signals: the copy is mostly the source's text, not the reverse."""
    paras = [
        "The regional water board approved a plan on Tuesday to replace lead pipes in every "
        "school building in the district before the next winter begins.",
        "Engineers estimate that the work will require closing some playgrounds for several "
        "weeks while trenches are dug and new connections are fitted.",
        "Parents who campaigned for the change said they had waited far too long for officials "
        "to admit that the old pipes were a danger to young children.",
        "The board will publish a timetable for each school on its website and hold public "
        "meetings in the spring to answer questions from families and staff.",
        "A consultation on the second phase, covering libraries and sports halls, will open "
        "after the summer and run for twelve weeks under the new rules.",
    ]
    own = "Our reporter found buckets under leaking sinks."
    source = parse_text("\n\n".join(paras), Path("zz_source.txt"))
    copy = parse_text("\n\n".join([*paras[:3], own]), Path("aa_copy.txt"))
    origin = guess_origin([copy, source], ComparisonCache())
    assert origin.article is source
    assert any("made of it" in r for r in origin.reasons)


def test_progress_reports_every_article_then_every_alignment(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    seen: list[tuple[int, int]] = []
    graph = build_graph(corpus, progress=lambda done, total: seen.append((done, total)))
    aligned = len(graph.cache._done)
    assert aligned > 0
    assert [s for s in seen if s[1] == 5] == [(n, 5) for n in range(5)]  # pairs chosen
    assert seen[-1] == (5 + aligned, 5 + aligned)  # then each pair aligned
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_provenance_and_story_cli_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys\nimport newsreader.provenance, newsreader.cli.story_cmd\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_follow_up_quoting_one_phrase_joins_the_story_but_links_nothing_else() -> None:
    corpus = load_corpus([FIXTURES])
    follow_up = parse_text(
        "Acme Robotics drone grounded after valley crash\n\n"
        "Published 2021-04-20\n\n"
        "Acme Robotics has grounded its SkyCourier fleet after one machine came down beside a "
        "clinic in the valley during its first month of service.\n\n"
        "When SkyCourier was unveiled the company said that distance stops deciding who gets "
        "care, but nurses at the clinic said the mountain weather had been ignored.\n\n"
        "The company said its engineers were studying the flight data and that no one was hurt.",
        Path("follow_up.txt"),
    )
    release = next(a for a in corpus.articles if a.path.name == "release.txt")
    assert not shares_text(compare_articles(release, follow_up))  # one quoted phrase only
    corpus.articles.append(follow_up)
    stories = build_stories(corpus)
    drone = next(s for s in stories if any(a.path.name == "release.txt" for a in s.articles))
    assert "follow_up.txt" in names(drone.articles)
    assert drone.origin.article.path.name == "release.txt"
    assert [len(s) for s in stories] == [5, 2]


# --- chaining, common lines, the same-text shortcut (hand-made, seeded texts) ---------------

_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "to",
    "vi",
    "ber",
    "dan",
    "gol",
    "har",
    "kel",
    "mor",
    "pin",
    "tus",
]
# pseudo-words from syllables: a large vocabulary, so unrelated texts share no phrases
_WORDS = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in _SYLLABLES[:6]})
_GLUE = [
    "the",
    "a",
    "of",
    "to",
    "in",
    "on",
    "for",
    "with",
    "by",
    "from",
    "at",
    "after",
    "before",
    "while",
]


def _paragraph(rng, n: int = 4) -> str:
    out = []
    for _ in range(n):
        words = [rng.choice(_WORDS) if k % 3 else rng.choice(_GLUE) for k in range(14)]
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def _doc(name: str, paras: list[str], footer: str = "") -> object:
    text = f"{name} report\n\n" + "\n\n".join(paras) + (f"\n\n{footer}" if footer else "")
    return parse_text(text, Path(f"{name}.txt"))


def _corpus(articles):
    from newsreader.corpus import Corpus

    return Corpus(articles=list(articles))


def test_one_bridging_article_does_not_merge_two_stories() -> None:
    import random

    rng = random.Random(7)
    a = [_paragraph(rng) for _ in range(6)]
    b = [_paragraph(rng) for _ in range(6)]
    docs = [
        _doc("a_source", a),
        _doc("a_copy1", [*a[:5], _paragraph(rng)]),
        _doc("a_copy2", [*a[1:], _paragraph(rng)]),
        _doc("b_source", b),
        _doc("b_copy1", [*b[:5], _paragraph(rng)]),
        _doc("b_copy2", [*b[1:], _paragraph(rng)]),
        # takes most of story a and two paragraphs of story b
        _doc("mixed", a[:4] + b[2:4] + [_paragraph(rng)]),
    ]
    stories = build_stories(_corpus(docs))
    groups = [names(s.articles) for s in stories]
    assert {"a_source.txt", "a_copy1.txt", "a_copy2.txt", "mixed.txt"} in groups
    assert {"b_source.txt", "b_copy1.txt", "b_copy2.txt"} in groups


def test_a_common_footer_line_links_nothing() -> None:
    import random

    rng = random.Random(11)
    footer = "Additional reporting by news agencies. Follow us on Twitter and Facebook for more."
    docs = [_doc(f"n{k}", [_paragraph(rng, 2) for _ in range(3)], footer) for k in range(6)]
    stories = build_stories(_corpus(docs))
    assert stories == []


def test_exact_duplicates_are_one_story_without_aligning_them() -> None:
    import random

    rng = random.Random(3)
    paras = [_paragraph(rng) for _ in range(5)]
    docs = [_doc("one", paras), _doc("two", paras), _doc("other", [_paragraph(rng)] * 1)]
    graph = build_graph(_corpus(docs))
    assert [names(g) for g in graph.components()] == [{"one.txt", "two.txt"}]
    assert all(e.comparison is None for e in graph.edges.values())
    stories = build_stories(_corpus(docs))
    member = next(m for m in stories[0].members if not m.is_origin)
    assert member.reused_pct > 95  # the comparison is made when the story needs it


def test_linkage_joins_through_hubs_not_through_one_member() -> None:
    from newsreader.provenance.linkage import link

    # 0 is the hub of {0,1,2}; 3 the hub of {3,4,5}; 2 and 4 share a bit (a bridge)
    strong = [(0.9, 0, 1), (0.9, 0, 2), (0.8, 1, 2), (0.9, 3, 4), (0.9, 3, 5), (0.3, 2, 4)]
    assert link(6, strong, []) == [[0, 1, 2], [3, 4, 5]]
    # two sub-groups whose links reach a hub do merge: {0,1} and {2,3} with 0 linked to 2, 3
    strong = [(0.9, 0, 1), (0.9, 2, 3), (0.4, 0, 2), (0.4, 1, 2)]
    assert link(4, strong, []) == [[0, 1, 2, 3]]
    # a weak link attaches a free article but passes nothing on
    assert link(4, [(0.9, 0, 1)], [(50.0, 1, 2), (50.0, 2, 3)]) == [[0, 1, 2]]


# Four unrelated paragraphs of similar length, for stories where one signal decides the origin.
_P = [
    "The regional water board approved a plan on Tuesday to replace lead pipes in every "
    "school building in the district before the next winter begins.",
    "Engineers estimate that the work will require closing some playgrounds for several "
    "weeks while trenches are dug and new connections are fitted.",
    "Our reporter visited three schools last week and found buckets collecting water under "
    "leaking sinks in two of them, which teachers blamed on the ageing building.",
    "A local plumber who has worked in the district for thirty years said the network of "
    "pipes under the old town had never been properly mapped by anyone.",
    "The board will publish a timetable for each school on its website and hold public "
    "meetings in the spring to answer questions from families and staff members.",
]


def test_the_earliest_date_decides_between_two_identical_texts() -> None:
    text = f"{_P[0]}\n\n{_P[1]}"
    later = parse_text(text, Path("aa_later.txt"))  # first by name: wins a tie
    earlier = parse_text(text, Path("zz_earlier.txt"))
    later.date, earlier.date = "2021-03-05", "2021-03-04"
    origin = guess_origin([later, earlier], ComparisonCache())
    assert origin.article is earlier
    assert any("earliest date" in r for r in origin.reasons)
    assert origin.score > origin.candidates[1].score


def test_the_article_sharing_text_with_every_other_is_the_origin() -> None:
    # The hub's two paragraphs went one to each copy, and each copy added as much of its own:
    # no dates, no release signals, nothing shared between the copies, no one made of another.
    hub = parse_text(f"{_P[0]}\n\n{_P[1]}", Path("zz_hub.txt"))
    left = parse_text(f"{_P[0]}\n\n{_P[2]}", Path("aa_left.txt"))
    right = parse_text(f"{_P[3]}\n\n{_P[1]}", Path("ab_right.txt"))
    origin = guess_origin([left, hub, right], ComparisonCache())
    assert origin.article is hub
    assert any("shares text with 2 of 2" in r for r in origin.reasons)
    assert origin.score > origin.candidates[1].score


def test_the_article_holding_what_the_others_share_with_each_other_is_the_origin() -> None:
    # Both copies took the source's first paragraph and one other, and added one of their own:
    # every member shares text with every other, all equally long, so only "the copies share
    # the first paragraph, and it is in the source" points at the source.
    source = parse_text(f"{_P[0]}\n\n{_P[1]}\n\n{_P[2]}", Path("zz_source.txt"))
    one = parse_text(f"{_P[0]}\n\n{_P[1]}\n\n{_P[3]}", Path("aa_one.txt"))
    two = parse_text(f"{_P[4]}\n\n{_P[0]}\n\n{_P[2]}", Path("ab_two.txt"))
    origin = guess_origin([one, source, two], ComparisonCache())
    assert origin.article is source
    assert any("share with each other" in r for r in origin.reasons)
    assert origin.score > origin.candidates[1].score
