"""Wire copy: agency headers, numeric dates settled by evidence, bylines in their real shapes,
wire paragraph marks. Fixtures in tests/fixtures/wire (gold.json) are hand-made in agency
layouts; the rest are small texts made here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsreader.corpus import load_article, load_corpus, parse_text
from newsreader.corpus.dates import numeric_dates, window_year
from newsreader.corpus.decode import decode_bytes
from newsreader.corpus.metadata import byline_parts, resolve_numeric_dates
from newsreader.corpus.wire import bare_dateline, header_stamp, slug_line
from newsreader.text import blank_controls

WIRE = Path(__file__).resolve().parents[1] / "fixtures" / "wire"
GOLD = json.loads((WIRE / "gold.json").read_text())


@pytest.fixture(scope="module")
def wire_corpus():
    return {a.path.name: a for a in load_corpus([WIRE]).articles}


@pytest.mark.parametrize("name", sorted(GOLD))
@pytest.mark.parametrize("field", ["date", "title", "byline", "outlet"])
def test_wire_fixture_metadata_matches_gold(wire_corpus, name: str, field: str) -> None:
    assert getattr(wire_corpus[name], field) == GOLD[name][field]


def test_pa_header_catchline_and_page_headers_are_boilerplate_never_title(wire_corpus) -> None:
    a = wire_corpus["pa_showbiz.txt"]
    flagged = [a.text[p.start : p.end] for p in a.paragraphs if p.boilerplate]
    assert flagged[:2] == ["23:19 27/01/00: Page 1 (HHH) SHOWBIZ Posh", "SHOWBIZ Posh"]
    assert "23:26 27/01/00: Page 2 (HHH) SHOWBIZ Posh" in flagged  # the second page's header
    assert a.title_span is not None
    assert a.text[slice(*a.title_span)] == a.title


def test_a_catchline_with_a_version_note_is_not_the_title() -> None:
    text = (
        "11:02 12/03/00: Page 1 (HHH) COURTS Fraud\n"
        "\x0fCOURTS Fraud (Corrected)<\n"
        "\x0fBANK CLERK JAILED FOR STEALING FROM PENSIONERS<\n"
        "\x0fA bank clerk was jailed for three years today.<\n"
    )
    a = parse_text(text, Path("a"))
    assert a.title == "BANK CLERK JAILED FOR STEALING FROM PENSIONERS"
    assert [p.boilerplate for p in a.paragraphs] == [True, True, False, False]
    # In other case, or with another catchword under the same desk, right under the header.
    for catchline in ("Courts Fraud", "COURTS Pensioners"):
        a = parse_text(text.replace("COURTS Fraud (Corrected)", catchline), Path("a"))
        assert a.title == "BANK CLERK JAILED FOR STEALING FROM PENSIONERS"


def test_wire_paragraph_marks_end_and_open_paragraphs(wire_corpus) -> None:
    a = wire_corpus["pa_showbiz.txt"]
    body = [a.text[p.start : p.end] for p in a.paragraphs if not p.boilerplate]
    # A paragraph wrapped over two lines is one paragraph; "<" and the control character are
    # left out of it, offsets still index the raw text.
    assert body[2] == (
        "A man who bombarded a pop star with hundreds of letters over two years was\n"
        "jailed for six months today."
    )
    assert not any(p.endswith("<") or p[0] < " " for p in body)
    assert "\x0f" in a.text  # the text itself is not rewritten


def test_control_mark_after_an_indent_still_opens_a_paragraph() -> None:
    text = (
        "23:19 27/01/00: Page 1 (HHH) SHOWBIZ Posh\n"
        "  \x0fPOSH SPICE IN COURT\n"
        "  \x0fPosh Spice appeared in court today after a long\n"
        "wait outside.\n"
        "  \x0fShe smiled.\n"
    )
    a = parse_text(text, Path("a"))
    assert [a.text[p.start : p.end] for p in a.paragraphs][1:] == [
        "POSH SPICE IN COURT",
        "Posh Spice appeared in court today after a long\nwait outside.",
        "She smiled.",
    ]


def test_tape_layout_indents_open_paragraphs_and_headers_stand_alone() -> None:
    text = (
        "26-FEB-1987 15:01:01.79\n"
        "u f BC-BAHIA-COCOA-REVIEW   02-26 0105\n"
        "BAHIA COCOA REVIEW\n"
        "    SALVADOR, Feb 26 - Showers continued throughout the week in\n"
        "the Bahia cocoa zone, alleviating the drought since early\n"
        "January and improving prospects for the coming temporao.\n"
        "    The dry period means the temporao will be late this year.\n"
        " Reuter\n"
    )
    a = parse_text(text, Path("t.txt"))
    paras = [a.text[p.start : p.end] for p in a.paragraphs]
    assert paras[0] == "26-FEB-1987 15:01:01.79"
    assert paras[2] == "BAHIA COCOA REVIEW"
    assert paras[3].startswith("SALVADOR") and paras[3].endswith("temporao.")
    assert paras[-1] == "Reuter"
    assert (a.title, a.date, a.outlet) == ("BAHIA COCOA REVIEW", "1987-02-26", "Reuters")
    assert a.paragraphs[1].boilerplate  # the slug


def _pa(date: str, byline: str = "") -> str:
    lines = [f"10:15 {date}: Page 1 (HHH) NEWS Story", "\x0fNEWS Story<", "\x0fHEADLINE HERE<"]
    if byline:
        lines.append(f"\x0f{byline}<")
    lines.append("\x0fThe council said on Monday that the road would reopen next week.<")
    return "\n".join(lines) + "\n"


def test_numeric_header_date_needs_evidence_in_the_file_alone() -> None:
    assert parse_text(_pa("27/01/00"), Path("a")).date == "2000-01-27"  # 27 can only be a day
    assert parse_text(_pa("05/01/00"), Path("a")).date is None  # 5 Jan or 1 May: no guess
    # A UK agency's byline says day first.
    assert parse_text(_pa("05/01/00", "By Ann Lee, PA News"), Path("a")).date == "2000-01-05"
    assert parse_text(_pa("05/05/00"), Path("a")).date == "2000-05-05"  # same either way


def test_a_written_out_header_date_settles_an_ambiguous_numeric_one() -> None:
    text = "Road reopens\n\nPosted 05/01/2021\nUpdated 1 May 2021\n\nThe road reopened.\n"
    assert parse_text(text, Path("a")).date == "2021-05-01"
    other = text.replace("1 May 2021", "3 May 2021")  # matches neither reading: no date
    assert parse_text(other, Path("a")).date is None


def test_header_date_beats_a_body_date() -> None:
    text = _pa("27/01/00").replace("on Monday", "on 3 March 1999")
    assert parse_text(text, Path("a")).date == "2000-01-27"


def test_sibling_files_settle_the_order_for_their_source(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(_pa("27/01/00"))
    (tmp_path / "b.txt").write_text(_pa("05/01/00"))
    dates = {a.path.name: a.date for a in load_corpus([tmp_path]).articles}
    assert dates == {"a.txt": "2000-01-27", "b.txt": "2000-01-05"}


def test_siblings_that_disagree_settle_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(_pa("27/01/00"))
    (tmp_path / "b.txt").write_text(_pa("01/27/00"))
    (tmp_path / "c.txt").write_text(_pa("05/01/00"))
    dates = {a.path.name: a.date for a in load_corpus([tmp_path]).articles}
    assert dates["c.txt"] is None


def test_siblings_written_another_way_are_not_evidence(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(_pa("27/01/00"))
    # A different source: a web date line, four-digit year.
    (tmp_path / "b.txt").write_text("Road reopens\n\nPosted 05/01/2000\n\nThe road reopened.\n")
    articles = load_corpus([tmp_path]).articles
    assert {a.path.name: a.date for a in articles}["b.txt"] is None
    assert resolve_numeric_dates(articles) == 0


def test_date_lines_count_as_siblings_only_in_the_same_folder(tmp_path: Path) -> None:
    for folder, date in (("us", "12/25/2020"), ("uk", "05/01/2021")):
        (tmp_path / folder).mkdir()
        text = f"Road reopens\n\nPosted {date}\n\nThe road reopened on time.\n"
        (tmp_path / folder / "a.txt").write_text(text)
    (tmp_path / "us" / "b.txt").write_text("Bridge shuts\n\nPosted 05/01/2021\n\nIt shut.\n")
    dates = {
        f"{a.path.parent.name}/{a.path.name}": a.date for a in load_corpus([tmp_path]).articles
    }
    assert dates["us/b.txt"] == "2021-05-01"  # its folder writes month first (12/25)
    assert dates["uk/a.txt"] is None  # another folder's evidence says nothing about this one


def test_two_digit_years_are_windowed() -> None:
    assert (window_year("99"), window_year("00"), window_year("68"), window_year("69")) == (
        1999,
        2000,
        2068,
        1969,
    )
    assert numeric_dates("1-1/2 shares, version 3/4/5/6") == []


@pytest.mark.parametrize(
    "title",
    [
        "ASIA TRYING TO FOSTER OIL EXPLORATION, SAYS U.N.",
        "G-7 SEEMS WORRIED MARKETS IGNORE COORDINATION",
        "(CORRECTED) - TSENG <TSNG> SEES SALES INCREASE",
    ],
)
def test_headlines_that_look_like_sentences_or_datelines(title: str) -> None:
    text = f"{title}\n\nBANGKOK, April 21 - Asian countries are offering better terms.\n"
    assert parse_text(text, Path("a")).title == title


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Emily Pennink, PA News", ("Emily Pennink", "PA")),
        ("By JANE DOE and JOHN ROE", ("JANE DOE and JOHN ROE", None)),
        ("Cal Mankowski | Reuters", ("Cal Mankowski", "Reuters")),
        (
            "Norma Cohen and Geert Linnebank | Reuters",
            ("Norma Cohen and Geert Linnebank", "Reuters"),
        ),
        ("Lena Ortiz, Transport Reporter", ("Lena Ortiz", None)),
        ("By Jim Brown, Associated Press Writer", ("Jim Brown", "AP")),
        ("By Cal Mankowski, Reuters<", ("Cal Mankowski", "Reuters")),
        ("BY TED D'AFFLISIO, Reuters", ("TED D'AFFLISIO", "Reuters")),
        ("Analysts, reporters and traders said prices fell", None),
        ("Mary Jones, a reporter at the paper, said so", None),
        ("By the end of the day", None),
    ],
)
def test_byline_shapes(line: str, expected: tuple[str, str | None] | None) -> None:
    assert byline_parts(line) == expected


def test_pipe_byline_is_not_read_on_the_first_line() -> None:
    a = parse_text("Markets Rally | Reuters\n\nShares rose on Monday.\n", Path("a"))
    assert a.byline is None
    assert byline_parts("Markets Rally | Reuters", pipe=False) is None


def test_byline_after_a_control_character_is_found() -> None:
    text = "\x0fBy Ann Lee, PA News<\n\x0fThe council said on Monday it would act.<\n"
    a = parse_text(text, Path("a"))
    assert (a.byline, a.outlet) == ("Ann Lee", "PA")


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("23:19 27/01/00: Page 1 (HHH) SHOWBIZ Posh", "header"),
        ("26-FEB-1987 15:01:01.79", "header"),
        ("u f BC-BAHIA-COCOA-REVIEW   02-26 0105", "slug"),
        ("AP-NY-03-04-99 1523EST", "slug"),
        ("PARIS, 3 mars (AFP) -", "dateline"),
        ("WASHINGTON (AP) _", "dateline"),
        ("10:30 03/04/2021 the minister said that things were going well", None),
        ("US-China trade talks resume", None),
        ("Howard Webb (South Yorkshire)", None),  # a referee and his county, not a dateline
        ("TOO FAST TOO FURIOUS (DIGITAL BRIDGES)", None),
        ("BAHIA COCOA REVIEW", None),
    ],
)
def test_wire_line_shapes(line: str, kind: str | None) -> None:
    found = {
        "header": bool(header_stamp(line)),
        "slug": slug_line(line),
        "dateline": bare_dateline(line),
    }
    assert found == {k: k == kind for k in found}


def test_blank_controls_keeps_offsets() -> None:
    text = "\x0fBy Ann\x1e Lee<\nok\tfine\n"
    view = blank_controls(text)
    assert len(view) == len(text)
    assert view == " By Ann  Lee<\nok\tfine\n"
    assert blank_controls("plain") == "plain"


def test_control_characters_opening_lines_do_not_make_a_file_binary(tmp_path: Path) -> None:
    raw = "".join(f"\x0fShort wire paragraph {i}.<\n" for i in range(30)).encode()
    assert decode_bytes(raw).text.startswith("\x0f")
    path = tmp_path / "wire.txt"
    path.write_bytes(raw)
    assert len(load_article(path).paragraphs) == 30
