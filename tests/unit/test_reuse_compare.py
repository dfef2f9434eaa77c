"""Hand-made pairs for the reuse engine: each names one behaviour a reader relies on."""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus import parse_text
from newsreader.reuse import compare_articles, compare_texts
from newsreader.reuse.passages import piece_kind
from newsreader.reuse.tokens import fold_spelling, normalise, tokenize

P1 = (
    "The city council approved a new budget for public schools on Monday, raising teacher "
    "salaries and funding repairs to ageing classrooms across the district."
)
P2 = (
    "Parents had campaigned for months for smaller classes, and several head teachers said the "
    "extra money would let them hire more staff before the autumn term."
)
P3 = (
    "Opposition members argued that the plan relied on optimistic tax forecasts and warned that "
    "cuts to other services could follow within two years."
)


def kinds(result: dict) -> list[str]:
    return [p["kind"] for p in result["passages"]]


def test_self_compare_is_all_verbatim() -> None:
    text = f"{P1}\n\n{P2}\n\n{P3}"
    result = compare_texts(text, text)
    assert result["a_reused_pct"] == result["b_reused_pct"] == 100.0
    assert set(kinds(result)) == {"verbatim"}


def test_reordered_paragraphs_are_found_whole() -> None:
    result = compare_texts(f"{P1}\n\n{P2}\n\n{P3}", f"{P3}\n\n{P1}\n\n{P2}")
    assert result["a_reused_pct"] == 100.0 and result["b_reused_pct"] == 100.0
    assert set(kinds(result)) == {"verbatim"}
    assert len(result["passages"]) == 2  # P1+P2 stay together, P3 moved


def test_sentence_split_in_two_is_still_verbatim() -> None:
    a = (
        "The storm cut power to thousands of homes overnight; engineers expect "
        "repairs to take several days."
    )
    b = (
        "The storm cut power to thousands of homes overnight. Engineers expect "
        "repairs to take several days."
    )
    result = compare_texts(a, b)
    assert kinds(result) == ["verbatim"]
    assert result["a_reused_pct"] > 90 and result["b_reused_pct"] > 90
    # and merged back into one: the mirror image
    assert kinds(compare_texts(b, a)) == ["verbatim"]


def test_changed_number_is_near_not_verbatim() -> None:
    a = (
        "Floods forced thousands of residents to leave their homes across the "
        "northern province on Tuesday."
    )
    b = (
        "Floods forced millions of residents to leave their homes across the "
        "northern province on Tuesday."
    )
    result = compare_texts(a, b)
    assert kinds(result) == ["near"]
    changed = [
        (a[d["a_start"] : d["a_end"]], b[d["b_start"] : d["b_end"]])
        for d in result["passages"][0]["diff"]
        if d["op"] != "equal"
    ]
    assert changed == [("thousands", "millions")]


def test_wire_copy_in_a_newspaper(tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "reuse"
    wire = parse_text((fixtures / "wire.txt").read_text(), fixtures / "wire.txt")
    paper = parse_text((fixtures / "paper.txt").read_text(), fixtures / "paper.txt")
    c = compare_articles(wire, paper)
    by_kind = {p.kind for p in c.passages}
    assert {"verbatim", "near"} <= by_kind
    near = next(p for p in c.passages if p.kind == "near")
    assert "thousands → millions" in near.words_changed(c)
    # the farmers and the shelter visit are each side's own
    farmers = wire.text.index("Farmers")
    assert not c.passages_in("a", farmers, farmers + 20)
    marks = c.paragraph_marks("b")
    assert marks.count("copied") >= 1 and marks.count("edited") >= 1
    assert marks[-1] == "original"


def test_paraphrase_pair() -> None:
    a = (
        "Quarterly profits at the company rose sharply because of strong "
        "demand for its cloud services."
    )
    b = (
        "Strong demand for cloud services sent the firm's quarterly profits "
        "sharply higher, it reported."
    )
    result = compare_texts(a, b)
    assert kinds(result) == ["paraphrase"]
    assert 0 < result["passages"][0]["score"] <= 1


def test_same_topic_sharing_only_names_is_not_reuse() -> None:
    a = (
        "Fabrizio Hochschild, Special Adviser to the Secretary-General on the Preparations for "
        "the Commemoration of the Seventy-Fifth Anniversary of the United Nations, visited Geneva "
        "to meet donors. He thanked Tencent Artificial Intelligence Simultaneous Interpretation "
        "staff."
    )
    b = (
        "Critics questioned the cost of the celebrations, which the Special Adviser to the "
        "Secretary-General on the Preparations for the Commemoration of the Seventy-Fifth "
        "Anniversary of the United Nations defended on Friday. Tencent Artificial Intelligence "
        "Simultaneous Interpretation was used, said Martin Lau, president of Tencent."
    )
    assert compare_texts(a, b)["passages"] == []


def test_spelling_and_format_variants_match() -> None:
    a = "Tencent is honored to organize the #UN75 talks, which reached 10 million users last year."
    b = "Tencent is [honoured] to organise the UN75 talks, which reached 10m users last year."
    result = compare_texts(a, b)
    assert kinds(result) == ["near"]  # matched through the variants, but written differently
    assert result["a_reused_pct"] > 90


def test_single_sentences_and_empty_texts() -> None:
    assert compare_texts("", "")["passages"] == []
    assert compare_texts("Short.", "Other words entirely.")["passages"] == []
    one = "Rescue teams searched the collapsed building through the night."
    assert kinds(compare_texts(one, one)) == ["verbatim"]


def test_normalisation_rules() -> None:
    assert fold_spelling("honoured") == fold_spelling("honored")
    assert fold_spelling("organisation") == fold_spelling("organization")
    assert fold_spelling("colours") == fold_spelling("colors")
    assert fold_spelling("four") == "four" and fold_spelling("hour") == "hour"
    assert normalise("1,000") == normalise("1000") and normalise("2.5") != normalise("25")
    assert normalise("U.N.") == normalise("UN")
    assert [t.norm for t in tokenize("$20bn")] == ["20", "billion"]
    # offsets point into the original text, even for curly quotes and brackets
    text = "“[honoured]” guests"
    assert [text[t.start : t.end] for t in tokenize(text)] == ["honoured", "guests"]


PARAPHRASES = [
    (
        "The company said its third-quarter profit rose 12 percent on strong sales of phones.",
        "Strong phone sales lifted the company's third-quarter profit by 12 percent, it said.",
    ),
    (
        "The hurricane destroyed hundreds of homes along the coast and left thousands without "
        "electricity.",
        "Hundreds of coastal homes were destroyed by the hurricane, which left thousands without "
        "power.",
    ),
]
# Reworded more freely (idf-weighted overlap of content stems about 0.45-0.6): still the same
# statement, and still found.
PARAPHRASES += [
    (
        "The central bank raised interest rates for the third time this year to curb soaring "
        "inflation.",
        "To rein in inflation, which has soared, the central bank increased rates again, its "
        "third rise this year.",
    ),
    (
        "The council will spend 5 million pounds repairing roads damaged during the winter storms.",
        "Roads damaged by winter storms are to be repaired by the council at a cost of 5 million "
        "pounds.",
    ),
]
SAME_TOPIC_OTHER_STATEMENT = [
    (
        "The company said its third-quarter profit rose 12 percent on strong sales.",
        "The company said it would cut 500 jobs in the fourth quarter as sales slowed.",
    ),
    (
        "Police arrested two men on Saturday after the robbery.",
        "Police released two men on Saturday without charge, a spokesman said.",
    ),
]


def test_paraphrased_sentences_are_found() -> None:
    for a, b in PARAPHRASES:
        assert kinds(compare_texts(a, b)) == ["paraphrase"], (a, b)


def test_other_statements_on_the_same_topic_are_not() -> None:
    for a, b in SAME_TOPIC_OTHER_STATEMENT:
        assert compare_texts(a, b)["passages"] == [], (a, b)


def test_reworded_clause_inside_long_sentences_is_found_alone() -> None:
    a = (
        "The service, which started in the capital three years ago, now has over 10 million "
        "daily active users, according to its annual report published on Monday in Berlin."
    )
    b = (
        "Critics of the city council questioned the cost of the project on Tuesday, while the "
        "operator said the app was earning over 10m active users."
    )
    (p,) = compare_texts(a, b)["passages"]
    assert p["kind"] == "paraphrase"
    assert a[p["a_start"] : p["a_end"]] == "now has over 10 million daily active users"
    assert "critics" not in b[p["b_start"] : p["b_end"]].lower()


def test_an_edited_piece_is_near_only_while_most_words_are_kept() -> None:
    # (op, a from, a to, b from, b to) over words: 7 of 10 kept on both sides is an edit of the
    # same sentence; 5 of 10 is a rewording.
    kept_most = [("equal", 0, 7, 0, 7), ("replace", 7, 10, 7, 10)]
    kept_half = [("equal", 0, 5, 0, 5), ("replace", 5, 10, 5, 10)]
    assert piece_kind(kept_most) == "near"
    assert piece_kind(kept_half) == "paraphrase"
    assert piece_kind([("equal", 0, 9, 0, 9)]) == "verbatim"
