"""Properties of compare that must hold for any input: offsets, symmetry, self-compare."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.reuse import compare_texts

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
