"""Metadata from the text: the seeds' gold answers and hand-made articles in other formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.corpus import load_article, load_corpus, parse_text
from newsreader.corpus.dates import normalise_date

ROOT = Path(__file__).resolve().parents[2]
# A copy of the project's reference answers for the five seeds (../shared/reference).
GOLD = ROOT / "tests" / "fixtures" / "seeds-gold.json"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"


def _gold() -> dict:
    return json.loads(GOLD.read_text())


@pytest.mark.parametrize("field", ["title", "date", "outlet", "byline", "press_release"])
def test_seed_metadata_matches_gold(seeds_dir: Path, field: str) -> None:
    gold = _gold()["articles"]
    corpus = load_corpus([seeds_dir])
    assert len(corpus.articles) == len(gold)
    for article in corpus.articles:
        expected = gold[article.path.name][field]
        got = (
            article.kind == "press_release" if field == "press_release" else getattr(article, field)
        )
        assert got == expected, f"{article.path.name}: {field}"


def test_seed_title_spans_point_at_the_title(seeds_dir: Path) -> None:
    for article in load_corpus([seeds_dir]).articles:
        if article.title is not None:
            start, end = article.title_span
            assert article.text[start:end] == article.title


EXPECTED = {
    # file: (title, date, outlet, byline, kind)
    "ap_dateline.txt": (
        "Senate passes stopgap spending bill hours before deadline",
        None,
        "AP",
        "JANE DOE and JOHN ROE",
        "news",
    ),
    "reuters_dateline.txt": (
        "UK inflation rises to 3.1% as energy bills bite",
        None,
        "Reuters",
        None,
        "news",
    ),
    "pipe_byline.md": (
        "Acme opens new battery plant in Ohio",
        "2021-03-03",
        None,
        "Jane Doe",
        "news",
    ),
    "iso_date.txt": ("City council approves riverside park plan", "2021-03-05", None, None, "news"),
    "published_line.txt": (
        "Rail strike called off after late-night talks",
        "2021-03-03",
        None,
        None,
        "news",
    ),
    "no_metadata.txt": (None, None, None, None, "news"),
    "business_wire.txt": (
        "Acme Launches Widget Pro for Small Factories",
        "2021-03-03",
        "Business Wire",
        None,
        "press_release",
    ),
    "globe_newswire.txt": (
        "Beta Therapeutics Reports Positive Phase 2 Results",
        "2021-03-03",
        "GlobeNewswire",
        None,
        "press_release",
    ),
    "release_no_wire.txt": (
        "Gamma Foods Opens Its First Plant Outside Illinois",
        "2021-03-08",
        None,
        None,
        "press_release",
    ),
    "unknown_outlet.txt": ("Berlin opens new airport terminal", None, "EuroNewsDesk", None, "news"),
    "page.html": (
        "Harbour bridge reopens after two-year repair",
        "2021-03-04",
        "The Daily Planet",
        "Lois Lane",
        "news",
    ),
    "line_per_paragraph.txt": ("Ferry service to resume next week", None, None, None, "news"),
    "hard_wrapped.txt": ("Library extends opening hours", None, None, None, "news"),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hand_made_article_metadata(name: str) -> None:
    article = load_article(FIXTURES / name)
    got = (article.title, article.date, article.outlet, article.byline, article.kind)
    assert got == EXPECTED[name]
    if article.title_span is not None:
        assert article.text[slice(*article.title_span)] == article.title


def _parse(text: str):
    return parse_text(text, Path("/tmp/article.txt"))


def test_metadata_comes_from_text_never_the_file_name() -> None:
    article = parse_text(
        "Plain lead sentence about the river rising overnight in the city centre.\n",
        Path("/tmp/2021-03-03_Reuters_By_Jane_Doe.txt"),
    )
    assert (article.title, article.date, article.outlet, article.byline) == (None,) * 4


@pytest.mark.parametrize(
    ("first_line", "title"),
    [
        (
            "Flooded streets in Lagos after record rain. Photo: Reuters",
            "Flooded streets in Lagos after record rain",
        ),
        ("Flooded streets in Lagos (Photo: AFP)", "Flooded streets in Lagos"),
        ("Flooded streets in Lagos | Image: Getty", "Flooded streets in Lagos"),
        ("## Flooded streets in Lagos", "Flooded streets in Lagos"),
        ("Is Lagos ready for the rains?", "Is Lagos ready for the rains?"),
        ("UN (United Nations) Partners With Tencent", "UN (United Nations) Partners With Tencent"),
    ],
)
def test_title_rules(first_line: str, title: str) -> None:
    article = _parse(first_line + "\n\nThe city recorded its wettest day in decades on Monday.\n")
    assert article.title == title
    assert article.text[slice(*article.title_span)] == title


@pytest.mark.parametrize(
    "text",
    [
        "The city recorded its wettest day in decades on Monday.\n\nMore rain is due.\n",
        "date 2021-03-03 The city recorded its wettest day in decades.\n\nMore rain is due.\n",
        "LAGOS (Reuters) - The city recorded its wettest day.\n\nMore rain is due.\n",
    ],
)
def test_articles_opening_with_body_text_have_no_title(text: str) -> None:
    assert _parse(text).title is None


@pytest.mark.parametrize(
    ("line", "byline", "date"),
    [
        ("By Jane Doe | March 3, 2021", "Jane Doe", "2021-03-03"),
        ("Written by Asha Doe, Senior Reporter", "Asha Doe", None),
        ("Jane_DoeJane_Doe ・ Mar. 3, 2021", "Jane_Doe", "2021-03-03"),
        ("Jane Doe Jane Doe · 3 March 2021", "Jane Doe", "2021-03-03"),
        ("BY MARIA DE LA CRUZ", "MARIA DE LA CRUZ", None),
        ("By JANE DOE Associated Press", "JANE DOE", None),
        ("Posted: 2021-03-03 14:26", None, "2021-03-03"),
        ("Updated 3rd March 2021", None, "2021-03-03"),
        ("By the end of 2020 the plan had failed.", None, None),
    ],
)
def test_byline_and_date_lines(line: str, byline: str | None, date: str | None) -> None:
    article = _parse(f"Headline for a test story\n{line}\n\nBody text of the story goes here.\n")
    assert (article.byline, article.date) == (byline, date)


def test_dates_in_body_text_are_not_the_article_date() -> None:
    text = (
        "Headline for a test story\n\n"
        + "The plan was first announced on March 3, 2020, officials recalled this week. " * 4
        + "\n\nIt was dropped on April 1, 2020.\n"
    )
    assert _parse(text).date is None


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-03-04T09:30:00+00:00", "2021-03-04"),
        ("March 4, 2021", "2021-03-04"),
        ("4 Mar 2021", "2021-03-04"),
        # Ordinals, both orders
        ("March 4th, 2021", "2021-03-04"),
        ("Mar. 1st 2021", "2021-03-01"),
        ("22nd April 2021", "2021-04-22"),
        ("Published on June 3rd, 2021", "2021-06-03"),
        ("2021年3月4日", "2021-03-04"),
        ("2021-02-30", None),
        ("April 17", None),
        ("September 2020", None),
    ],
)
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


def test_today_announced_without_dateline_is_not_a_release() -> None:
    text = "Acme shares jump\n\nAcme today announced record sales, and its shares jumped 9%.\n"
    assert _parse(text).kind == "news"


def test_untitled_article_display_title_skips_a_leading_date() -> None:
    from pathlib import Path

    from newsreader.corpus import parse_text

    article = parse_text(
        "date 2021-03-03 The council voted on Tuesday to close the library.\n\n"
        "Residents said they were surprised.",
        Path("x.txt"),
    )
    assert article.title is None
    assert article.display_title.startswith("The council voted")
    assert article.date == "2021-03-03"
