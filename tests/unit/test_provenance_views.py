"""Release-vs-outlets matrix and "what's new here", on hand-made texts and the seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsreader.corpus import load_corpus, parse_text
from newsreader.provenance import build_stories, release_matrix, whats_new
from newsreader.provenance.spans import intersect, merge, subtract, total
from newsreader.reuse import compare_articles

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "provenance"


@pytest.fixture(scope="module")
def story():
    corpus = load_corpus([FIXTURES])
    return build_stories(corpus)[0]


def by_name(story, name: str):
    return next(a for a in story.articles if a.path.name == name)


def test_span_operations() -> None:
    assert merge([(5, 9), (0, 3), (2, 4), (9, 9)]) == [(0, 4), (5, 9)]
    assert total([(0, 4), (2, 6)]) == 6
    assert intersect([(0, 4), (6, 10)], [(3, 7)]) == [(3, 4), (6, 7)]
    assert subtract([(0, 10)], [(2, 3), (5, 7)]) == [(0, 2), (3, 5), (7, 10)]


def test_matrix_rows_are_source_paragraphs_columns_a_timeline(story) -> None:
    source = story.origin.article
    others = [a for a in story.articles if a is not source]
    matrix = release_matrix(source, [story.comparison(source, o) for o in others])
    assert [c.article.path.name for c in matrix.columns] == [
        "gazette.txt",
        "weekly.txt",
        "daily.txt",
    ]
    body = [p for p in source.paragraphs if not p.boilerplate]
    assert len(matrix.rows) <= len(body)
    text = {r.start: source.text[r.start : r.end] for r in matrix.rows}
    marks = {
        source.text[r.start : r.start + 30]: {
            c.article.path.name: cell.mark for c, cell in zip(matrix.columns, r.cells, strict=True)
        }
        for r in matrix.rows
    }
    drone = next(k for k in marks if k.startswith("The drone can fly"))
    assert marks[drone] == {
        "gazette.txt": "left out",
        "weekly.txt": "copied",
        "daily.txt": "copied",
    }
    lead = next(k for k in marks if k.startswith("SPRINGFIELD"))
    assert marks[lead]["gazette.txt"] in {"copied", "edited"}
    assert marks[lead]["daily.txt"] == "edited"  # 400 -> 500 and the dateline rewritten
    assert marks[lead]["weekly.txt"] == "left out"
    hospitals = next(k for k in marks if k.startswith("Hospitals that join"))
    assert marks[hospitals]["gazette.txt"] == "copied"
    assert all(not t.startswith("About Acme") for t in text.values())  # boilerplate out
    data = matrix.to_json()
    assert data["columns"][0]["date"] == "2021-03-05"
    assert all(len(r["cells"]) == 3 for r in data["rows"])


def test_whats_new_hand_made() -> None:
    shared = (
        "The regional water board approved a plan on Tuesday to replace lead pipes in every "
        "school building in the district before the next winter begins."
    )
    new_quote = (
        '"We have waited six years for this," said Clara Diaz, whose daughter attends the '
        "primary school on Mill Street, standing outside the gates after the meeting."
    )
    source = parse_text(shared, Path("source.txt"))
    article = parse_text(f"{shared}\n\n{new_quote}", Path("article.txt"))
    novelty = whats_new(article, [compare_articles(source, article)])
    assert [s.kind for s in novelty.segments] == ["copied", "new"]
    new = novelty.new[0]
    assert article.text[new.start : new.end] == new_quote
    assert set(new.labels) >= {"paragraph", "quote", "figures"}
    copied = novelty.copied[0]
    assert copied.words == len(shared.split())
    assert copied.sources == [str(Path("source.txt").resolve())]
    assert copied.passage_kinds == ["verbatim"]
    assert 40 < novelty.new_pct < 60


def test_whats_new_works_with_the_article_on_either_side(story) -> None:
    daily = by_name(story, "daily.txt")
    others = [a for a in story.articles if a is not daily]
    as_b = whats_new(daily, [story.comparison(o, daily) for o in others])
    as_a = whats_new(daily, [story.comparison(daily, o) for o in others])
    assert [(s.kind, s.start, s.end) for s in as_a.segments] == [
        (s.kind, s.start, s.end) for s in as_b.segments
    ]
    new_text = " ".join(daily.text[s.start : s.end] for s in as_b.new)
    assert "Local pharmacist Jane Doe" in new_text
    assert "county health board" in new_text
    assert "120 kilometres" not in new_text  # copied from the release
    assert len(as_b.blocks()) < len(as_b.segments) + 1


def test_whats_new_without_sources_is_all_new(story) -> None:
    daily = by_name(story, "daily.txt")
    novelty = whats_new(daily, [])
    assert novelty.copied == []
    assert novelty.new_pct > 90


def test_seed_002_whats_new_keeps_its_own_standfirst(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    story = build_stories(corpus)[0]
    a002 = next(a for a in story.articles if a.path.name.startswith("002_"))
    novelty = whats_new(a002, [story.comparison(o, a002) for o in story.articles if o is not a002])
    assert novelty.copied and novelty.new
    assert any("Written by" in a002.text[s.start : s.end] for s in novelty.new)
    for seg in novelty.segments:
        assert 0 <= seg.start < seg.end <= len(a002.text)
