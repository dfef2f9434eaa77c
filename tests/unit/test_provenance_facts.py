"""Changed facts between a source and a copy, on hand-made pairs and on the seeds."""

from __future__ import annotations

from pathlib import Path

from newsreader.corpus import load_corpus, parse_text
from newsreader.provenance import mentions, names
from newsreader.provenance.facts import changed_facts
from newsreader.reuse import compare_articles

BASE = (
    "The city council approved a budget on Monday that will fund repairs to 400 schools and "
    "hire thousands of new teachers across the district before the autumn term begins."
)
QUOTE = (
    '"This budget puts children first and ends years of neglect," said Ann Smith, who leads '
    "the council's education committee and has pushed for the repairs since her election."
)
OTHER = (
    "Opposition members argued that the plan relied on optimistic tax forecasts and warned that "
    "cuts to other services could follow within two years of the vote."
)


def facts(a: str, b: str):
    comparison = compare_articles(parse_text(a, Path("a.txt")), parse_text(b, Path("b.txt")))
    return comparison, changed_facts(comparison)


def kinds_and_words(found) -> list[tuple[str, str, str]]:
    return [(f.kind, f.a_text, f.b_text) for f in found]


def test_identical_texts_change_nothing() -> None:
    text = f"{BASE}\n\n{QUOTE}\n\n{OTHER}"
    _, found = facts(text, text)
    assert found == []


def test_number_words_changed_inside_a_near_passage() -> None:
    copy = BASE.replace("thousands of new teachers", "millions of new teachers")
    comparison, found = facts(f"{BASE}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert ("number", "thousands of new teachers", "millions of new teachers") in kinds_and_words(
        found
    )
    f = next(f for f in found if f.kind == "number")
    assert comparison.a.text[f.a_start : f.a_end] == "thousands of new teachers"
    assert comparison.b.text[f.b_start : f.b_end] == "millions of new teachers"
    assert f.passage is not None


def test_digits_changed() -> None:
    copy = BASE.replace("400 schools", "450 schools")
    _, found = facts(f"{BASE}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert [(f.a_text, f.b_text) for f in found if f.kind == "number"] == [
        ("400 schools", "450 schools")
    ]


def test_same_amount_written_differently_is_no_change() -> None:
    a = "The platform has over 10 million daily active users in more than 100 countries today."
    b = "The platform has over 10m daily active users in more than one hundred countries today."
    _, found = facts(a, b)
    assert [f for f in found if f.kind == "number"] == []
    qa = mentions.quantities(a, 0, len(a))
    qb = mentions.quantities(b, 0, len(b))
    assert [q.value for q in qa] == [q.value for q in qb] == [10_000_000.0, 100.0]


def test_identifiers_and_years_are_not_quantities() -> None:
    text = "Tencent (00700.HK) backs UN75 and 5G trials during COVID-19 in 2020."
    assert mentions.quantities(text, 0, len(text)) == []
    assert [d[2] for d in mentions.dates(text, 0, len(text))] == ["2020"]


def test_weekday_changed() -> None:
    copy = BASE.replace("on Monday", "on Tuesday")
    _, found = facts(f"{BASE}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert ("date", "Monday", "Tuesday") in kinds_and_words(found)


def test_name_swapped() -> None:
    copy = QUOTE.replace("Ann Smith", "Mary Jones")
    _, found = facts(f"{QUOTE}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert [(f.kind, f.a_text, f.b_text) for f in found] == [("name", "Ann Smith", "Mary Jones")]


def test_misquote_flagged_but_spelling_variant_and_attribution_are_not() -> None:
    misquote = QUOTE.replace("ends years of neglect", "ends decades of neglect")
    _, found = facts(f"{QUOTE}\n\n{OTHER}", f"{misquote}\n\n{OTHER}")
    assert ("quotation", "years", "decades") in kinds_and_words(found)

    source = '"We are honored to serve the families of this city for another decade," she said.'
    copy = '"We are honoured to serve the families of this city for another decade," Smith added.'
    _, found = facts(f"{source}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert [f for f in found if f.kind == "quotation"] == []


def test_restated_number_outside_passages() -> None:
    """A standfirst that rewords the lead too much to be a passage still has its figure checked."""
    lead = (
        "Acme and the city today announced a partnership that will host thousands of online "
        "workshops through the Acme Meeting app, Acme Chat and Acme Live Translation."
    )
    standfirst = (
        "The city plans to run millions of workshops using Acme Meeting, Acme Chat and Acme "
        "Live Translation."
    )
    _comparison, found = facts(f"{lead}\n\n{OTHER}", f"{standfirst}\n\n{OTHER}")
    numbers = [f for f in found if f.kind == "number"]
    assert [(f.a_text, f.b_text) for f in numbers] == [
        ("thousands of online workshops", "millions of workshops")
    ]


def test_unrelated_numbers_are_not_paired() -> None:
    a = "The council will hire 300 teachers this year, officials confirmed in a statement."
    b = "The council will hire 300 teachers this year and buy 40 buses, officials confirmed."
    _, found = facts(a, b)
    assert found == []


def test_seeds_thousands_to_millions_flagged(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    by_name = {a.path.name[:3]: a for a in corpus.articles}
    comparison = compare_articles(by_name["001"], by_name["002"])
    found = changed_facts(comparison)
    numbers = [(f.a_text, f.b_text) for f in found if f.kind == "number"]
    assert ("thousands of online conversations", "millions of conversations") in numbers
    f = next(f for f in found if f.b_text == "millions of conversations")
    assert comparison.b.text[f.b_start : f.b_end] == "millions of conversations"
    assert comparison.a.text[f.a_start : f.a_end] == "thousands of online conversations"
    # 002 quotes the release's "thousands of online conversations" correctly: not a change
    assert all(f.b_text != "thousands of online conversations" for f in found)


def test_number_swap_without_counted_words() -> None:
    a = (
        "The market was worth $20.5 million in 2004 but is set to be worth $1.8 billion "
        "(£9.4 million) by 2009, according to analysts at a research firm in London."
    )
    b = a.replace("£9.4 million", "£94 million")
    _, found = facts(f"{a}\n\n{OTHER}", f"{b}\n\n{OTHER}")
    assert [(f.kind, f.a_text, f.b_text) for f in found] == [
        ("number", "9.4 million", "94 million")
    ]


def test_trivial_edits_in_quotes_are_not_misquotes() -> None:
    source = (
        '"In the meantime we will be studying the judgment carefully to see whether an appeal '
        'is possible, and Britain is working," the minister told reporters on Friday.'
    )
    copy = (
        '"In the meantime we will be studying the judgement carefully to see whether an appeal '
        "is possible, and Britain's working,\" the minister told reporters on Friday."
    )
    _, found = facts(f"{source}\n\n{OTHER}", f"{copy}\n\n{OTHER}")
    assert found == []
    misquote = copy.replace("appeal is possible", "appeal is impossible")
    _, found = facts(f"{source}\n\n{OTHER}", f"{misquote}\n\n{OTHER}")
    assert [(f.kind, f.b_text) for f in found] == [("quotation", "impossible")]


def test_quote_spans_survive_unbalanced_marks() -> None:
    text = 'He said "yes" and then 12" of snow fell. She replied: "we will see'
    spans = [text[s:e] for s, e in names.quote_spans(text, 0, len(text))]
    assert spans == ['"yes"', '"we will see']
    curly = "“One,” she said, “two.”"
    assert [curly[s:e] for s, e in names.quote_spans(curly, 0, len(curly))] == [
        "“One,”",
        "“two.”",
    ]


def test_sentence_start_words_are_not_names() -> None:
    text = "However, IBM said. Houston is big. In Houston there is more."
    assert [n[2] for n in names.names(text, 0, len(text))] == ["ibm", "houston", "houston"]


def test_dates_written_differently_are_the_same_date() -> None:
    text = "On 2020-04-01, that is April 1st, 2020 (1 April), and then on Sept. 3."
    norms = [set(d[2].split()) for d in mentions.dates(text, 0, len(text))]
    assert norms[0] == norms[1] == {"apr", "1", "2020"}
    assert norms[2] == {"apr", "1"} and norms[3] == {"sep", "3"}
    a = "The board said on April 1, 2020 that the school repairs would be finished by September."
    b = "The board said on 2020-04-01 that the school repairs would be finished by September."
    _, found = facts(f"{a}\n\n{OTHER}", f"{b}\n\n{OTHER}")
    assert [f for f in found if f.kind == "date"] == []
    c = a.replace("April 1", "April 2")
    _, found = facts(f"{a}\n\n{OTHER}", f"{c}\n\n{OTHER}")
    assert [(f.a_text, f.b_text) for f in found if f.kind == "date"] == [
        ("April 1, 2020", "April 2, 2020")
    ]
