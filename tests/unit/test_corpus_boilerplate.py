"""Boilerplate: page furniture flagged (and kept), real article paragraphs never flagged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.corpus import load_article, load_corpus, parse_text
from newsreader.corpus.boilerplate import furniture_line

ROOT = Path(__file__).resolve().parents[2]
# A copy of the project's reference answers for the five seeds (../shared/reference).
GOLD = ROOT / "tests" / "fixtures" / "seeds-gold.json"
FIXTURES = ROOT / "tests" / "fixtures" / "corpus"


def _gold() -> dict:
    return json.loads(GOLD.read_text())["boilerplate"]


def _lines(article, flagged: bool) -> list[str]:
    return [
        article.text[p.start : p.end].lstrip("• ")
        for p in article.paragraphs
        if p.boilerplate is flagged
    ]


def test_every_gold_boilerplate_line_is_flagged(seeds_dir: Path) -> None:
    gold = _gold()
    for article in load_corpus([seeds_dir]).articles:
        flagged = set(_lines(article, True))
        missing = set(gold.get(article.path.name, [])) - flagged
        assert not missing, f"{article.path.name}: {missing}"


def test_no_real_seed_paragraph_is_flagged(seeds_dir: Path) -> None:
    """Flagged lines are gold lines, or sit in a link list after a gold "Related" marker."""
    gold = _gold()
    for article in load_corpus([seeds_dir]).articles:
        allowed = set(gold.get(article.path.name, []))
        texts = [article.text[p.start : p.end].lstrip("• ") for p in article.paragraphs]
        markers = [i for i, t in enumerate(texts) if t in allowed and t.startswith("Related")]
        if markers:
            allowed |= set(texts[markers[0] :])
        extra = set(_lines(article, True)) - allowed
        assert not extra, f"{article.path.name}: {extra}"


def test_boilerplate_stays_in_the_text(seeds_dir: Path) -> None:
    for article in load_corpus([seeds_dir]).articles:
        raw = (seeds_dir / article.path.name).read_text(encoding="utf-8")
        assert article.text == raw.replace("\r\n", "\n")


def test_furniture_fixture() -> None:
    article = load_article(FIXTURES / "furniture.txt")
    assert _lines(article, True) == [
        "Share on Facebook Share on Twitter Email",
        "Advertisement",
        "Read more: How to prepare your home for a winter storm",
        "Shares 1.2K",
        "Most Read",
        "Council votes to close library branches",
        "Teenager wins national spelling contest",
        "Local bakery celebrates 100 years",
    ]
    assert _lines(article, False)[0] == "Storm knocks out power to 200,000 homes"
    assert len(_lines(article, False)) == 4


@pytest.mark.parametrize(
    "name",
    ["ap_dateline.txt", "reuters_dateline.txt", "no_metadata.txt", "page.html", "pipe_byline.md"],
)
def test_plain_articles_have_no_boilerplate(name: str) -> None:
    assert _lines(load_article(FIXTURES / name), True) == []


@pytest.mark.parametrize(
    "line",
    [
        "omniture",
        "LIKE 3",
        "12 Comments",
        "Related Stories:",
        "See also: Acme and Beta forge a partnership to boost tourism",
        "NYSE:ACME NASDAQ:BETA",
        "(NASDAQ: ACME)",
        "— Jane Doe (@janedoe) March 3, 2021",
        "Subscribe to our newsletter",
        "  • Follow us on Twitter",
        "Advertisement",
        "Share this article",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Tencent",
        "Source: Acme Corp.",
        "By Jane Doe | March 3, 2021",
        "The council meets again on Monday.",
        "Related companies rose 3% on Monday after the news.",
        '"We will follow the rules," she said.',
        "2020-04-01 14:26",
    ],
)
def test_article_lines_are_not_furniture(line: str) -> None:
    assert not furniture_line(line)


def test_adversarial_lines_stay_fast() -> None:
    # Shapes that make naive nested-quantifier patterns backtrack exponentially.
    for line in ["AB:CDEFGHIJ" * 27 + "!", "Ab:C" * 70 + "!", "Aa Aa Aa:AAAA" * 20 + "!"]:
        furniture_line(line[:299])  # must return at once; a regression hangs this test


def test_label_lines_at_the_end_are_flagged_but_not_in_the_middle() -> None:
    text = (
        "Headline here\n\nA real paragraph.\n\nMarket Watch\n\nAnother real paragraph.\n\n"
        "Editorial standards\n"
    )
    article = parse_text(text, Path("/tmp/a.txt"))
    assert _lines(article, True) == ["Editorial standards"]


def test_back_to_back_duplicates_are_flagged() -> None:
    text = (
        "Headline here\n\nA real paragraph.\n\nSome Link Title Here\nSome Link Title Here\n\n"
        "A closing paragraph.\n"
    )
    article = parse_text(text, Path("/tmp/a.txt"))
    assert _lines(article, True) == ["Some Link Title Here", "Some Link Title Here"]


def test_lines_repeated_across_articles_are_flagged(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(
            f"Headline number {i} for a story\n\nBody paragraph {i} says something new.\n\n"
            "Daily Planet Morning Briefing\n\nAnother body paragraph ends the story.\n"
        )
    (tmp_path / "other.txt").write_text(
        "Different headline\n\nDaily Planet Morning Briefing is quoted.\n"
    )
    corpus = load_corpus([tmp_path])
    for article in corpus.articles:
        flagged = _lines(article, True)
        if article.path.name == "other.txt":
            assert flagged == []
        else:
            assert flagged == ["Daily Planet Morning Briefing"]


def test_repeated_bylines_and_dates_are_metadata_not_furniture(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(
            f"Headline number {i} for a story\nBy Jane Doe\n2021-03-05\n\nBody {i} is here.\n"
        )
    for article in load_corpus([tmp_path]).articles:
        assert _lines(article, True) == []
        assert (article.byline, article.date) == ("Jane Doe", "2021-03-05")


def test_repeated_sentences_across_articles_are_reuse_not_furniture(tmp_path: Path) -> None:
    for i in range(4):
        (tmp_path / f"a{i}.txt").write_text(
            f"Headline number {i}\n\nThe company said sales rose.\n\nBody {i} differs here.\n"
        )
    for article in load_corpus([tmp_path]).articles:
        assert _lines(article, True) == []


PROSE = (
    "The band announced the tour on Monday night at a concert in Nashville, where the "
    "singer told the audience that the group would play thirty dates across the country."
)


def test_a_schedule_at_the_end_is_kept_but_a_link_list_is_flagged() -> None:
    """Tour dates share a link list's shape (short title-case lines ending the article), but
    their rows open with a day."""
    dates = [
        "June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL",
        "Sat., June 13 -- Bridgestone Arena, Nashville, TN",
        "Sept. 12 – Mountain View, CA @ Shoreline Amphitheatre",
        "14 October: The Forum, Los Angeles, CA",
    ]
    text = (
        "Band Announces Reunion Tour\n\n"
        + PROSE
        + "\n\nThe Reunion Tour Dates\n\n"
        + "\n\n".join(dates)
    )
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == []
    links = [
        "Coral Sky Amphitheatre Reopens After Storm",
        "Bridgestone Arena Names New Director",
        "Shoreline Amphitheatre Sold To Investors",
        "The Forum Plans Summer Concert Series",
    ]
    text = "Band Announces Reunion Tour\n\n" + PROSE + "\n\n" + "\n\n".join(links)
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == links


def test_a_repeated_table_header_row_is_not_a_duplicated_headline() -> None:
    row = "| Pos | Player | Plays | % | Stats |"
    text = (
        f"Snap Counts From Sunday\n\n{PROSE}\n\n{row}\n\n{row}\n\n| DE | Jones | 60 | 95% | 2 |\n"
    )
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == []


def test_a_headline_box_inside_the_article_is_flagged_up_to_the_next_paragraph() -> None:
    box = [
        "DON'T MISS",
        "City council rejects plan for new stadium [INSIGHT]",
        "Storm warning issued for the east coast [VIDEO]",
        "Mayor responds to critics over housing [REACTION]",
    ]
    text = "Headline Here\n\n" + PROSE + "\n\n" + "\n\n".join(box) + "\n\n" + PROSE + "\n"
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == box


def test_a_marker_before_a_single_subheading_flags_only_itself() -> None:
    text = f"Headline Here\n\n{PROSE}\n\nLatest\n\nWhat happens next\n\n{PROSE}\n"
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == ["Latest"]


@pytest.mark.parametrize(
    "line",
    [
        "Get the day’s top headlines delivered to your inbox every morning by subscribing "
        "to our newsletter.",
        "Click here to subscribe to The Daily Planet Newsletter",
        "CLICK HERE TO GET THE DAILY PLANET APP",
        "Sign Up: Stay on top of the latest film and TV news! Sign up for our Email Newsletters.",
        "Subscribe to our YouTube channel for all of the latest videos, reviews, and more!",
        "You may also like...",
        "Most read in world news",
        "Never miss the latest news by signing up to our newsletter today!",
        "Lea también: Impiden ingreso a reportero y camarógrafo",
        "LE PUEDE INTERESAR: La ficha del exministro en Nueva York",
        "Lesen Sie auch:",
        "NOTAS RELACIONADAS",
        "Schon gelesen?",
        "À lire aussi : la réforme des retraites adoptée",
        "Leggi anche: il governo approva la manovra",
    ],
)
def test_promotions_and_markers_are_furniture(line: str) -> None:
    assert furniture_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "The company said 40,000 readers subscribe to its weekly newsletter, up from 12,000.",
        "Get ready for a cold winter, forecasters warned on Monday as temperatures fell.",
        "Subscribers to the service will pay $12.99 a month from January, the company said.",
        "Lea también el informe completo, publicado el lunes por la comisión.",
        "Never miss a chance to see the northern lights, the guide told our reporter.",
        "Join us, the protesters chanted outside the statehouse, as teachers filled the "
        "rotunda and a newsletter circulated among them listing their demands.",
    ],
)
def test_sentences_about_subscriptions_are_not_promotions(line: str) -> None:
    assert not furniture_line(line)


def test_an_embedded_tweet_keeps_its_text_and_loses_its_credit_line() -> None:
    tweet = "Notice the warping of the line across both the eyes and nose. pic.twitter.com/U7PMa4oN"
    credit = "— Jane Doe (@janedoe) July 2, 2019"
    text = f"Headline Here\n\n{PROSE}\n\n{tweet}\n\n{credit}\n\n{PROSE}\n"
    assert _lines(parse_text(text, Path("/tmp/a.txt")), True) == [credit]
