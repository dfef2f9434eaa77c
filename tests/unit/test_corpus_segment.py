"""Paragraphs and sentences: glued sentences repaired, abbreviations left alone, offsets honest."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

from newsreader.corpus.segment import MAX_SENTENCE, paragraph_spans, segment, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_glued_sentences_split() -> None:
    text = 'Firms are going global.The UN and Acme announced it on Tuesday."We will help," he said.'
    assert sentences(text) == [
        "Firms are going global.",
        "The UN and Acme announced it on Tuesday.",
        '"We will help," he said.',
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    text = 'He called it "a disaster."Officials disagreed. She said: "No." Then she left.'
    assert sentences(text) == [
        'He called it "a disaster."',
        "Officials disagreed.",
        'She said: "No."',
        "Then she left.",
    ]


def test_curly_quotes_and_question_marks() -> None:
    text = "“Why now?” she asked.“Because the vote is Friday!”The aide left."
    assert sentences(text) == [
        "“Why now?” she asked.",
        "“Because the vote is Friday!”",
        "The aide left.",
    ]


def test_abbreviations_decimals_currency_and_initials_do_not_split() -> None:
    text = (
        "The U.N.'s envoy met U.S. President Joe Biden and Mr. Smith in No.1 Street. "
        "The fund got US$7.6 million, up 2.5 percent, from J. R. Doe at 9 a.m. on Jan. 5. "
        "Dr. Lee of Acme Inc. agreed."
    )
    assert sentences(text) == [
        "The U.N.'s envoy met U.S. President Joe Biden and Mr. Smith in No.1 Street.",
        "The fund got US$7.6 million, up 2.5 percent, from J. R. Doe at 9 a.m. on Jan. 5.",
        "Dr. Lee of Acme Inc. agreed.",
    ]


def test_urls_and_dotted_names_do_not_split() -> None:
    assert len(sentences("See www.example.com or ASP.NET today.Then we left.")) == 2
    assert len(sentences("Shares of U.S.Steel rose.")) == 1
    assert len(sentences("Tencent (00700.HK) and the UN agreed.")) == 1
    assert len(sentences("It grew in 2020.The firm said so.")) == 2
    assert len(sentences("He lives at No. 10 Downing Street. Vol. 3 is out.")) == 2
    assert sentences("Visit un75.online today.") == ["Visit un75.online today."]


def test_cjk_full_stops_split() -> None:
    assert sentences("腾讯宣布合作。联合国表示欢迎！") == ["腾讯宣布合作。", "联合国表示欢迎！"]


def test_offsets_point_into_the_original_text() -> None:
    text = "  Intro line.\n\nFirst one.Second one.  \n"
    for p in segment(text):
        for s in p.sentences:
            assert text[s.start : s.end].strip() == text[s.start : s.end]
    assert [text[s.start : s.end] for p in segment(text) for s in p.sentences] == [
        "Intro line.",
        "First one.",
        "Second one.",
    ]


def test_blank_lines_separate_paragraphs_and_lines_without_blanks_are_paragraphs() -> None:
    text = "Headline here\nBy Jane Doe\n\nBody paragraph one.\n\n\n  Body two.  \nRelated\nLink one"
    assert [text[s:e] for s, e in paragraph_spans(text)] == [
        "Headline here",
        "By Jane Doe",
        "Body paragraph one.",
        "Body two.",
        "Related",
        "Link one",
    ]


def test_hard_wrapped_prose_is_rejoined() -> None:
    body = (
        "The central library will stay open until ten on weekdays from next month, the city "
        "said on Tuesday, after a survey found that most students wanted somewhere quiet to "
        "work in the evening and on weekends during the exam season."
    )
    text = "Library extends hours\n\n" + textwrap.fill(body, 72) + "\n"
    spans = paragraph_spans(text)
    assert len(spans) == 2
    assert " ".join(text[spans[1][0] : spans[1][1]].split()) == body


def test_headline_list_of_varied_lengths_is_not_rejoined() -> None:
    lines = [
        "Xiaomi Raises Delivery Target for 2024 as Sales Could Top 70,000 Units in Three Weeks",
        "Xiaomi Raises Delivery Target for 2024 as Sales Could Top 70,000 Units in Three Weeks",
        "China Urges EU to Abide By WTO Rules after Probe Opened",
        "US President Signs Potential Ban into Law",
    ]
    assert len(paragraph_spans("\n".join(lines))) == 4


def test_long_run_on_text_is_cut_into_bounded_sentences() -> None:
    text = "word " * 100_000
    sents = split_sentences(text)
    assert all(s.end - s.start <= MAX_SENTENCE for s in sents)
    assert sents[0].start == 0 and sents[-1].end == len(text.rstrip())


_alphabet = st.sampled_from([*list("ab AB.!?\"'“”’\n\n\t.$1U.S"), "Mr. ", "U.N.'s ", "\xa0", "。"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_alphabet, max_size=300).map("".join))
def test_spans_are_inside_ordered_and_disjoint(text: str) -> None:
    last_end = 0
    for p in segment(text):
        assert 0 <= last_end <= p.start < p.end <= len(text)
        assert text[p.start : p.end].strip()
        inner = p.start
        for s in p.sentences:
            assert inner <= s.start < s.end <= p.end
            assert not text[s.start].isspace() and not text[s.end - 1].isspace()
            inner = s.end
        last_end = p.end
    # Every non-space character belongs to some paragraph.
    covered = {i for p in segment(text) for i in range(p.start, p.end)}
    assert all(ch.isspace() for i, ch in enumerate(text) if i not in covered)


def test_a_web_address_with_capitals_is_not_two_glued_sentences() -> None:
    text = "He took part in the service www.HollywoodIsCalling.com. Then he left."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "He took part in the service www.HollywoodIsCalling.com.",
        "Then he left.",
    ]
    text = "Go to news.BBC.co.uk now. Profits rose.Net income fell."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Go to news.BBC.co.uk now.",
        "Profits rose.",
        "Net income fell.",
    ]
