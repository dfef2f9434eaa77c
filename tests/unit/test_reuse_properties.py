"""Properties of compare that must hold for any input: offsets, symmetry, self-compare."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsreader.reuse import compare_texts
from newsreader.reuse.tokens import ESCAPE, tokenize

_VOCABULARY = (
    "flood river rescue council budget school teacher storm power village shelter harvest "
    "minister rain weekend families boats crews warned expected homes tuesday province"
)
WORDS = _VOCABULARY.split()

sentence = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(
    lambda ws: " ".join(ws).capitalize() + "."
)
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
article = st.lists(paragraph, min_size=1, max_size=5).map("\n\n".join)
any_text = st.text(max_size=300)


def check_offsets(result: dict, a: str, b: str) -> None:
    for p in result["passages"]:
        assert 0 <= p["a_start"] <= p["a_end"] <= len(a)
        assert 0 <= p["b_start"] <= p["b_end"] <= len(b)
        assert p["kind"] in ("verbatim", "near", "paraphrase")
        assert 0.0 <= p["score"] <= 1.0
        for d in p["diff"]:
            assert d["op"] in ("equal", "insert", "delete", "replace")
            assert p["a_start"] <= d["a_start"] <= d["a_end"] <= p["a_end"]
            assert p["b_start"] <= d["b_start"] <= d["b_end"] <= p["b_end"]
    assert 0.0 <= result["a_reused_pct"] <= 100.0
    assert 0.0 <= result["b_reused_pct"] <= 100.0


def mirror(result: dict) -> list[tuple]:
    return sorted(
        (p["b_start"], p["b_end"], p["a_start"], p["a_end"], p["kind"]) for p in result["passages"]
    )


@settings(max_examples=60, deadline=None)
@given(article, article)
def test_offsets_and_symmetry(a: str, b: str) -> None:
    ab, ba = compare_texts(a, b), compare_texts(b, a)
    check_offsets(ab, a, b)
    assert mirror(ab) == sorted(
        (p["a_start"], p["a_end"], p["b_start"], p["b_end"], p["kind"]) for p in ba["passages"]
    )
    assert (ab["a_reused_pct"], ab["b_reused_pct"]) == (ba["b_reused_pct"], ba["a_reused_pct"])


@settings(max_examples=40, deadline=None)
@given(article)
def test_self_compare_is_complete(a: str) -> None:
    result = compare_texts(a, a)
    # words chosen so every sentence has content words: the whole text is one copied passage
    if len(a.split()) >= 5:
        assert result["a_reused_pct"] == 100.0
        assert {p["kind"] for p in result["passages"]} == {"verbatim"}


@settings(max_examples=100, deadline=None)
@given(any_text, any_text)
def test_no_crash_on_any_unicode(a: str, b: str) -> None:
    check_offsets(compare_texts(a, b), a, b)
    check_offsets(compare_texts(a, a + b), a, a + b)


# what wire copy and terminals leave around words: never part of a passage's edge
FURNITURE = ["\x07", "\x1b[31m", "\x1b]0;x\x07", " --", "\u200b", "\x1e ENDS", " ="]


@st.composite
def edited_pair(draw) -> tuple[str, str]:
    """An article and a copy edited the way a paper edits a wire story: words dropped, replaced
    or added, sentences cut in two or glued together."""
    a = draw(article)
    words = a.split(" ")
    out: list[str] = []
    for w in words:
        roll = draw(st.integers(0, 19))
        if roll == 0:
            continue  # dropped
        if roll == 1:
            out.append(draw(st.sampled_from(WORDS)))  # replaced
        elif roll == 2:
            out.extend([w, draw(st.sampled_from(WORDS))])  # added after
        elif roll == 3 and not w.endswith("."):
            out.append(w + ".")  # a sentence cut in two
        elif roll == 4 and w.endswith(".") and "\n" not in w:
            out.append(w[:-1] + ",")  # two sentences glued
        elif roll in (5, 6, 7) and w.endswith("."):
            out.append(w + draw(st.sampled_from(FURNITURE)))  # wire furniture after a sentence
        else:
            out.append(w)
    return a, " ".join(out)


def escapes(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in ESCAPE.finditer(text)]


def check_structure(result: dict, a: str, b: str) -> None:
    """Invariants a reader stepping through passages relies on."""
    passages = result["passages"]
    assert passages == sorted(passages, key=lambda p: (p["a_start"], p["b_start"]))
    for p, q in itertools.pairwise(passages):
        # one statement is one passage: two that follow each other on both sides with no word
        # between them are pieces a reader would step through one by one (unless, in repetitive
        # text, a third passage reaches across the cut on a side, or would be swallowed)
        between_a = tokenize(a, p["a_end"], q["a_start"]) if p["a_end"] <= q["a_start"] else [1]
        between_b = tokenize(b, p["b_end"], q["b_start"]) if p["b_end"] <= q["b_start"] else [1]
        whole = (p["a_start"], q["a_end"], p["b_start"], q["b_end"])
        others = [x for x in passages if x is not p and x is not q]
        swallows = any(
            x["a_start"] < whole[1]
            and whole[0] < x["a_end"]
            and x["b_start"] < whole[3]
            and whole[2] < x["b_end"]
            for x in others
        )
        across = any(
            (x["a_start"] < q["a_start"] and x["a_end"] > p["a_end"])
            or (x["b_start"] < q["b_start"] and x["b_end"] > p["b_end"])
            for x in others
        )
        assert between_a or between_b or swallows or across, "passages continuing each other"
    for p, q in itertools.combinations(passages, 2):
        on_a = p["a_start"] < q["a_end"] and q["a_start"] < p["a_end"]
        on_b = p["b_start"] < q["b_end"] and q["b_start"] < p["b_end"]
        assert not (on_a and on_b), "two passages claim the same words on both sides"
    for p in passages:
        for side, text in (("a", a), ("b", b)):
            s, e = p[f"{side}_start"], p[f"{side}_end"]
            assert s < e
            assert not text[s].isspace() and not text[e - 1].isspace()
            for edge in (text[s], text[e - 1]):
                assert unicodedata.category(edge) not in ("Cc", "Cf"), repr(edge)
                assert edge not in "-=", repr(text[s:e])
            assert not any(x < s < y or x < e < y for x, y in escapes(text)), "inside an escape"
            assert not (s > 0 and text[s - 1].isalnum() and text[s].isalnum()), "mid-word start"
            assert not (e < len(text) and text[e - 1].isalnum() and text[e].isalnum()), "mid-word"
        check_parts(p, a, b)
        if p["kind"] == "verbatim":
            assert p["diff"] == []
            continue
        ops = p["diff"]
        assert ops
        for d, f in itertools.pairwise(ops):
            assert d["a_end"] <= f["a_start"] and d["b_end"] <= f["b_start"], "ops out of order"
        for side, text in (("a", a), ("b", b)):
            # every word of the passage is inside one op: the diff tiles the passage
            for t in tokenize(text, p[f"{side}_start"], p[f"{side}_end"]):
                assert any(
                    d[f"{side}_start"] <= t.start and t.end <= d[f"{side}_end"] for d in ops
                ), (side, text[t.start : t.end])


def check_parts(p: dict, a: str, b: str) -> None:
    """Parts are in order inside their passage, hold every one of its words once, carry a kind
    each, and a verbatim part holds no changed word."""
    parts = p["parts"]
    assert parts
    if len(parts) == 1:
        assert parts[0]["kind"] == p["kind"]
    else:
        assert len({x["kind"] for x in parts}) > 1, "parts of one kind are one part"
    for x, y in itertools.pairwise(parts):
        assert x["a_end"] <= y["a_start"] and x["b_end"] <= y["b_start"], "parts out of order"
    for side, text in (("a", a), ("b", b)):
        s, e = p[f"{side}_start"], p[f"{side}_end"]
        for x in parts:
            assert s <= x[f"{side}_start"] <= x[f"{side}_end"] <= e
        for t in tokenize(text, s, e):
            held = [x for x in parts if x[f"{side}_start"] <= t.start and t.end <= x[f"{side}_end"]]
            assert len(held) == 1, (side, text[t.start : t.end])
            if held[0]["kind"] == "verbatim":
                changed = [
                    d
                    for d in p["diff"]
                    if d["op"] != "equal"
                    and d[f"{side}_start"] <= t.start
                    and t.end <= d[f"{side}_end"]
                ]
                assert not changed, ("changed word in a verbatim part", text[t.start : t.end])


@settings(max_examples=80, deadline=None)
@given(edited_pair())
@example(
    (
        "Flood river rescue council budget school.",
        "Flood river rescue council budget school.\x1b[31m",
    )
)
@example(
    (
        "Rain warned crews homes.\n\nFlood river rescue.",
        "Rain warned crews homes. --\n\nFlood river rescue.",
    )
)
def test_edited_copies_give_passages_a_reader_can_follow(pair: tuple[str, str]) -> None:
    a, b = pair
    result = compare_texts(a, b)
    check_offsets(result, a, b)
    check_structure(result, a, b)


@settings(max_examples=40, deadline=None)
@given(article, article)
# a sentence matched twice sits between two passages that continue each other
@example(
    "Flood flood river rescue. Flood flood river flood. Flood flood river rescue.",
    "Flood flood rescue river. Flood flood river flood.",
)
# joining those two must not swallow the second match on both sides (found by hypothesis)
@example(
    (
        "Tuesday homes flood flood.\n\nFamilies minister flood flood expected flood familie"
        "s flood crews flood flood flood. Boats weekend expected weekend. Homes flood flo"
        "od flood homes harvest crews harvest flood warned rescue families. Flood flood f"
        "lood flood harvest harvest flood flood weekend.\n\nCrews rain tuesday. Expected we"
        "ekend flood flood homes flood tuesday flood flood.\n\nTuesday river power minister"
        " rain homes minister school. Flood shelter homes families flood flood rescue flo"
        "od power minister expected province."
    ),
    (
        "Rescue weekend boats crews teacher expected crews council power. Tuesday teacher"
        " minister crews power river harvest shelter storm rain harvest power. Crews shel"
        "ter flood weekend rain flood families tuesday flood flood flood flood. Warned ra"
        "in province homes families expected harvest teacher weekend river tuesday harves"
        "t.\n\nFlood boats council flood flood. Tuesday flood flood flood flood shelter cre"
        "ws council flood.\n\nFlood flood flood flood flood flood flood flood flood flood f"
        "lood flood.\n\nFlood flood flood flood flood flood flood flood flood.\n\nFlood flood"
        " flood flood flood flood flood families flood harvest flood warned."
    ),
)
# two crossing chains of repeated sentences must not both claim the sentence between (found by
# hypothesis in CI)
@example(
    "Flood flood river rescue. Flood flood river council. Flood flood river rescue.",
    "Flood flood council river. Flood flood rescue river. Flood flood council river.",
)
def test_unrelated_articles_give_passages_a_reader_can_follow(a: str, b: str) -> None:
    check_structure(compare_texts(a, b), a, b)
