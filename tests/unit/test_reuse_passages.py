"""Passages a reader can follow: a rewritten sentence is one passage with its edits inside,
edges sit on sentence or clause edges, wire furniture stays outside."""

from __future__ import annotations

import itertools
from pathlib import Path

from newsreader.corpus import parse_text
from newsreader.reuse import Comparison, DiffOp, Passage, compare_articles, compare_texts
from newsreader.reuse.merge import join_continuing
from newsreader.reuse.tokens import article_tokens, tokenize

# The sentence pair of issue 16 (a PA wire story and the newspaper article written from it),
# inside stories of the kind it came from.
WIRE_SENTENCE = (
    "Mr Burstein said he had won acclaim for his conducting of works by modern composers, "
    "including Birtwistle, in the 1980s, but had decided in 1990 that the way forward was not "
    "clashing, complex and dissonant music."
)
PAPER_SENTENCE = (
    "He said he had won acclaim for conducting works by modern composers in the Eighties but had "
    "decided in 1990 that the way forward was not clashing and dissonant music."
)
WIRE = f"""Conductor turns his back on modern music

A conductor who championed the avant-garde in the concert hall has turned his back on modern \
music, he told a Manchester audience today.

{WIRE_SENTENCE}

He now writes melodic pieces for small orchestras. Audiences, he said, had told him that the way \
forward was not clashing chords but tunes they could hum on the way home.

His first symphony will be premiered in Manchester next month by the Halle Orchestra.
"""
PAPER = f"""Maestro who fell out of love with the avant-garde

A conductor who championed the avant-garde in the concert hall has turned his back on modern \
music.

{PAPER_SENTENCE}

His first symphony will be premiered in Manchester next month.
"""

STORM = (
    "Heavy rain caused rivers to burst their banks across the northern province on Tuesday, "
    "forcing thousands of residents to leave their homes."
)


def article(text: str, name: str):
    return parse_text(text, Path(name), html=False)


def compare(a: str, b: str) -> Comparison:
    return compare_articles(article(a, "a"), article(b, "b"))


def covering(c: Comparison, a_text: str) -> list[Passage]:
    start = c.a.text.index(a_text)
    return c.passages_in("a", start, start + len(a_text))


def test_rewritten_sentence_is_one_passage_with_its_edits_inside() -> None:
    c = compare(WIRE, PAPER)
    found = covering(c, WIRE_SENTENCE)
    assert len(found) == 1
    p = found[0]
    assert c.a.text[p.a_start : p.a_end] == WIRE_SENTENCE
    assert c.b.text[p.b_start : p.b_end] == PAPER_SENTENCE
    assert p.kind == "near"
    changes = p.changes(c)
    for edit in [
        ("replace", "Mr Burstein", "He"),
        ("delete", "his", ""),
        ("delete", "including Birtwistle", ""),
        ("replace", "1980s", "Eighties"),
        ("delete", "complex", ""),
    ]:
        assert edit in changes
    assert len(changes) == 6  # the five above and "−of": nothing else differs


def test_the_sentence_pair_alone_is_one_passage() -> None:
    result = compare_texts(WIRE_SENTENCE, PAPER_SENTENCE)
    assert len(result["passages"]) == 1
    p = result["passages"][0]
    assert (p["a_start"], p["a_end"]) == (0, len(WIRE_SENTENCE))
    assert (p["b_start"], p["b_end"]) == (0, len(PAPER_SENTENCE))
    ops = [
        (
            d["op"],
            WIRE_SENTENCE[d["a_start"] : d["a_end"]],
            PAPER_SENTENCE[d["b_start"] : d["b_end"]],
        )
        for d in p["diff"]
    ]
    assert ("delete", "complex", "") in ops
    # the words after the dropped one are shared, not "added" on one side
    assert ("equal", "and dissonant music", "and dissonant music") in ops


def test_a_shared_word_across_a_sentence_edge_goes_with_the_next_statement() -> None:
    # `modern music, he told` ~ `modern music. He said`: the `he` is not part of the first passage
    c = compare(WIRE, PAPER)
    first = covering(c, "A conductor who championed")[0]
    assert c.a.text[first.a_start : first.a_end].endswith("modern music")
    assert first.kind == "verbatim"


def test_diff_ops_of_a_joined_passage_tile_it_in_order() -> None:
    p = covering(compare(WIRE, PAPER), WIRE_SENTENCE)[0]
    assert (p.diff[0].a_start, p.diff[0].b_start) == (p.a_start, p.b_start)
    for d, e in zip(p.diff, p.diff[1:], strict=False):
        assert d.a_end <= e.a_start and d.b_end <= e.b_start


def test_a_quoted_phrase_inside_a_rewritten_sentence_does_not_cut_it() -> None:
    # the copy finder cuts at quotation marks; the pieces are one statement
    a = (
        "Officials from the council said that they intend to fully repair the flood defences "
        "along the river before the winter storms arrive in the valley.\n"
    )
    b = (
        'The mayor said the council intends to "fully repair the flood defences along the '
        'river" before the storms arrive in the valley.\n'
    )
    result = compare_texts(a, b)
    assert len(result["passages"]) == 1
    p = result["passages"][0]
    assert (p["a_start"], p["a_end"], p["b_start"], p["b_end"]) == (0, len(a) - 1, 0, len(b) - 1)
    assert p["kind"] == "near"
    ops = [(d["op"], a[d["a_start"] : d["a_end"]], b[d["b_start"] : d["b_end"]]) for d in p["diff"]]
    quoted = "fully repair the flood defences along the river"
    assert ("equal", quoted, quoted) in ops
    assert ("delete", "winter", "") in ops


def test_a_short_scare_quote_does_not_cut_its_sentence() -> None:
    a = (
        "The minister said that with the rescue plan, or recovery fund, \u201con life support,"
        "\u201d the economy could slide into a deeper recession next year.\n"
    )
    b = (
        'The minister said that with the recovery fund "on life support" the economy could '
        "slide into a deeper recession next year.\n"
    )
    result = compare_texts(a, b)
    assert len(result["passages"]) == 1
    p = result["passages"][0]
    assert (p["a_start"], p["a_end"], p["b_start"], p["b_end"]) == (0, len(a) - 1, 0, len(b) - 1)


def test_a_copied_quote_stays_verbatim_beside_its_reworded_attribution() -> None:
    quote = '"We will build ten new schools in the north before the end of next year,"'
    a = f"{quote} said the education minister, Jane Roe, on Monday.\n"
    b = f"{quote} Jane Roe told reporters.\n"
    result = compare_texts(a, b)
    # the copied quotation reads "verbatim": a passage of its own or a part of one
    (p,) = result["passages"]
    verbatim = [part for part in p["parts"] if part["kind"] == "verbatim"]
    assert verbatim and a[verbatim[0]["a_start"] : verbatim[0]["a_end"]].startswith(quote[:-2])
    assert "Roe" not in a[verbatim[0]["a_start"] : verbatim[0]["a_end"]]


SECOND = (
    "Emergency crews used boats to rescue families trapped on rooftops in several villages "
    "near the river."
)


def test_a_copied_sentence_beside_an_edited_one_is_a_verbatim_part_of_one_passage() -> None:
    edited = STORM.replace("thousands of residents", "hundreds of families")
    a, b = f"{STORM} {SECOND}\n", f"{edited} {SECOND}\n"
    (p,) = compare_texts(a, b)["passages"]
    assert (p["a_start"], p["a_end"], p["b_start"], p["b_end"]) == (0, len(a) - 1, 0, len(b) - 1)
    assert p["kind"] == "near"  # kind on the whole: not every word is kept
    parts = [
        (x["kind"], a[x["a_start"] : x["a_end"]], b[x["b_start"] : x["b_end"]]) for x in p["parts"]
    ]
    assert parts == [("near", STORM, edited), ("verbatim", SECOND, SECOND)]


def test_gutter_marks_and_colours_follow_the_parts() -> None:
    edited = STORM.replace("thousands of residents", "hundreds of families")
    c = compare(f"{STORM}\n\n{SECOND}\n", f"{edited}\n\n{SECOND}\n")
    assert len(c.passages) == 1
    assert c.paragraph_marks("a") == ["edited", "copied"]
    assert c.paragraph_marks("b") == ["edited", "copied"]
    p = c.passages[0]
    assert [part.kind for part in p.parts] == ["near", "verbatim"]
    # the changed words belong to the edited part, and are listed as changed
    assert p.words_changed(c) == "thousands → hundreds; residents → families"
    for d in p.diff:
        if d.op != "equal":
            assert p.op_part(d).kind == "near"


def test_a_reworded_part_is_named_not_listed_word_by_word() -> None:
    edited = STORM.replace("thousands of residents", "hundreds of families")
    reworded = (
        "Families stranded on rooftops in villages near the river were rescued by emergency "
        "crews in boats."
    )
    c = compare(f"{STORM} {SECOND}\n", f"{edited} {reworded}\n")
    (p,) = c.passages
    assert [part.kind for part in p.parts] == ["near", "paraphrase"]
    assert p.words_changed(c) == "thousands → hundreds; residents → families; a sentence reworded"


def test_swapped_sides_keep_the_parts() -> None:
    edited = STORM.replace("thousands of residents", "hundreds of families")
    c = compare(f"{STORM} {SECOND}\n", f"{edited} {SECOND}\n")
    (p,) = c.swapped().passages
    assert [part.kind for part in p.parts] == ["near", "verbatim"]
    assert p.parts[1].span("a") == (len(edited) + 1, len(edited) + 1 + len(SECOND))


def test_an_edited_sentence_and_a_reworded_neighbour_are_one_passage() -> None:
    edited = STORM.replace("thousands of residents", "hundreds of families")
    second = (
        "Emergency crews used boats to rescue families trapped on rooftops in several villages "
        "near the river."
    )
    reworded = (
        "Families stranded on rooftops in villages near the river were rescued by emergency "
        "crews in boats."
    )
    a, b = f"{STORM} {second}\n", f"{edited} {reworded}\n"
    result = compare_texts(a, b)
    assert [(p["a_start"], p["a_end"], p["b_start"], p["b_end"]) for p in result["passages"]] == [
        (0, len(a) - 1, 0, len(b) - 1)
    ]
    assert result["passages"][0]["kind"] in ("near", "paraphrase")


def test_control_characters_and_wire_markers_stay_outside() -> None:
    for a in [
        STORM + "\x07\x1b[31m ENDS\n",
        "\x1b]0;title\x07" + STORM + "\n",
        "--" + STORM + "--\n",
        STORM + "\u200b\n",
        "HONG KONG, April 1, 2020 /PRNewswire/ -- " + STORM + "\n",
    ]:
        result = compare_texts(a, "Intro words here. " + STORM)
        assert len(result["passages"]) == 1, repr(a)
        p = result["passages"][0]
        assert a[p["a_start"] : p["a_end"]] == STORM, repr(a)
        assert p["kind"] == "verbatim", repr(a)


def test_escape_sequences_hold_no_words() -> None:
    assert [t.norm for t in tokenize("\x1b[31mRed\x1b[0m alert")] == ["red", "alert"]


def test_a_stray_word_left_from_a_cut_is_dropped() -> None:
    a, b = article(f"{STORM}\n", "a"), article(f"{STORM}\n", "b")
    ta, _ = article_tokens(a)
    tb, _ = article_tokens(b)
    homes = STORM.index("homes")
    rest = STORM.index("forcing")
    pieces = [
        Passage(0, rest - 2, 0, rest - 2, "verbatim", 1.0),
        Passage(homes, len(STORM), homes + 0, len(STORM), "verbatim", 1.0),
    ]
    # the second piece ("homes.") is too far from the first to join: it goes, the first stays
    out = join_continuing(pieces, a, b, ta, tb)
    assert [(p.a_start, p.a_end) for p in out] == [(0, rest - 2)]


def test_pieces_of_one_sentence_join_into_one_near_passage() -> None:
    edited = STORM.replace("Heavy", "Torrential")
    a, b = article(f"{STORM}\n", "a"), article(f"{edited}\n", "b")
    ta, _ = article_tokens(a)
    tb, _ = article_tokens(b)
    cut_a, cut_b = STORM.index(" forcing"), edited.index(" forcing")
    near = Passage(
        0,
        cut_a,
        0,
        cut_b,
        "near",
        0.9,
        (DiffOp("replace", 0, 5, 0, 10), DiffOp("equal", 6, cut_a, 11, cut_b)),
    )
    copied = Passage(cut_a + 1, len(STORM), cut_b + 1, len(edited), "verbatim", 1.0)
    (p,) = join_continuing([copied, near], a, b, ta, tb)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (0, len(STORM), 0, len(edited))
    assert p.kind == "near"  # verbatim only when the whole is
    assert [d.op for d in p.diff] == ["replace", "equal", "equal"]
    assert p.diff[-1] == DiffOp("equal", cut_a + 1, len(STORM), cut_b + 1, len(edited))


def test_no_two_passages_claim_the_same_words_on_both_sides() -> None:
    second = (
        "Emergency crews used boats to rescue families trapped on rooftops in several villages."
    )
    text = f"{STORM} {second}\n"
    a, b = article(text, "a"), article(text, "b")
    ta, _ = article_tokens(a)
    tb, _ = article_tokens(b)
    clause = STORM.index("forcing")
    end = len(STORM)
    both = len(text) - 1
    whole = Passage(0, end, 0, end, "verbatim", 1.0)
    inner = Passage(clause, end, clause, end, "paraphrase", 0.5)  # inside `whole`: goes
    spill = Passage(clause, both, clause, both, "verbatim", 1.0)  # overlaps `whole`: joins it
    assert join_continuing([whole, inner], a, b, ta, tb) == [whole]
    (p,) = join_continuing([whole, spill], a, b, ta, tb)
    assert (p.a_start, p.a_end, p.b_start, p.b_end) == (0, both, 0, both)
    assert p.kind == "verbatim"


def test_a_number_written_two_ways_is_one_change_in_order() -> None:
    # `4m` is two words for matching (4, million): one replacement, not two claiming `4m`
    a = "British Airways was today fined 4 million for breaching European competition rules.\n"
    b = "British Airways was yesterday fined £4m for breaching European competition rules.\n"
    (p,) = compare_texts(a, b)["passages"]
    ops = [(d["op"], a[d["a_start"] : d["a_end"]], b[d["b_start"] : d["b_end"]]) for d in p["diff"]]
    assert ("replace", "4 million", "4m") in ops
    for d, e in itertools.pairwise(p["diff"]):
        assert d["a_end"] <= e["a_start"] and d["b_end"] <= e["b_start"]
