"""The text pane's layout model on hand-made articles: glue repair, offset map, wrapping."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from newsreader.corpus import Article, Paragraph, Sentence
from newsreader.tui.document import build_document, glue_breaks, wrap_block, wrap_document


def article(text: str, paragraphs: list[Paragraph], **meta) -> Article:
    return Article(path=Path("/tmp/x.txt"), text=text, paragraphs=paragraphs, **meta)


def test_glued_sentences_get_a_space_and_offsets_still_land() -> None:
    body = 'It went global.The UN agreed."We are ready," she said.'
    text = "Headline\n\n" + body
    start = text.index("It")
    s2 = text.index("The UN")
    s3 = text.index('"We')
    para = Paragraph(
        start, len(text), False, (Sentence(start, s2), Sentence(s2, s3), Sentence(s3, len(text)))
    )
    doc = build_document(
        article(
            text,
            [Paragraph(0, 8), para],
            title="Headline",
            title_span=(0, 8),
            outlet="Wire",
            date="2020-04-01",
        )
    )
    assert 'global. The UN agreed. "We are ready' in doc.text
    # Every article offset maps to the same character on screen.
    for offset in range(start, len(text)):
        shown = doc.to_display(offset)
        assert shown is not None and doc.text[shown] == text[offset]
    d = doc.span_to_display(s2, s2 + 6)
    assert d is not None and doc.text[d[0] : d[1]] == "The UN"
    # The title is shown once, as the heading, and a hit in it maps there.
    assert doc.text.count("Headline") == 1
    assert doc.blocks[0].kind == "title" and doc.text[doc.to_display(0)] == "H"
    assert "Wire · 2020-04-01" in doc.text


def test_initials_and_decimals_are_not_split() -> None:
    text = "The U.N.'s budget rose 3.5 percent.Next year too."
    starts = [text.index(x) for x in ("N.'s", "'s", "5 percent", "Next")]
    assert glue_breaks(text, starts, 0, len(text)) == [text.index("Next")]


def test_control_and_bidi_characters_are_blanked_in_place() -> None:
    text = "Title\n\nA \x1b[31mred\x1b[0m word \u202eevil\u202c end\tx."
    doc = build_document(article(text, [Paragraph(0, 5), Paragraph(7, len(text))]))
    assert "\x1b" not in doc.text and "\u202e" not in doc.text and "\t" not in doc.text
    e = text.index("evil")
    d = doc.to_display(e)
    assert doc.text[d : d + 4] == "evil"


def test_boilerplate_is_marked_and_can_be_hidden() -> None:
    text = "Title\n\nReal news here.\n\nShare this on social media"
    paras = [Paragraph(0, 5), Paragraph(7, 22), Paragraph(24, len(text), boilerplate=True)]
    doc = build_document(article(text, paras))
    kinds = [b.kind for b in doc.blocks]
    assert kinds == ["title", "meta", "para", "boilerplate"]
    shown = wrap_document(doc, 80)
    hidden = wrap_document(doc, 80, hide_boilerplate=True)
    assert any(doc.text[ln.start : ln.end].startswith("Share") for ln in shown)
    assert not any(doc.text[ln.start : ln.end].startswith("Share") for ln in hidden)


def test_wrapping_respects_width_with_wide_and_endless_words() -> None:
    text = "word " * 50 + "新闻报道" * 30 + " " + "x" * 500
    for width in (10, 37, 88):
        lines = wrap_block(text, 0, len(text), width)
        assert all(cell_len(text[s:e].rstrip()) <= width for s, e in lines)
        # Nothing is lost: the lines cover the text in order.
        assert "".join(text[s:e] for s, e in lines).replace(" ", "") == text.replace(" ", "")


def test_a_megabyte_article_lays_out_in_one_quick_pass() -> None:
    para = "The quick brown fox jumps over the lazy dog near the river bank. " * 40
    text = "Big\n\n" + "\n\n".join([para] * 400)  # ~1 MB
    paras, pos = [Paragraph(0, 3)], 5
    for _ in range(400):
        paras.append(Paragraph(pos, pos + len(para)))
        pos += len(para) + 2
    assert len(text) > 1_000_000
    t0 = time.perf_counter()
    doc = build_document(article(text, paras))
    lines = wrap_document(doc, 88)
    elapsed = time.perf_counter() - t0
    assert len(lines) > 10_000
    # Not a timing test (the suite runs on slow CI too): a generous bound that only catches a
    # quadratic regression.
    assert elapsed < 10, elapsed


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(min_size=1, max_size=300),
    cuts=st.lists(st.integers(min_value=-5, max_value=320), max_size=12),
    width=st.integers(min_value=1, max_value=90),
)
def test_any_text_and_any_paragraph_offsets_lay_out(text: str, cuts: list[int], width: int) -> None:
    """Whatever the loader hands over (even bad offsets), layout works and maps back exactly."""
    bounds = sorted(cuts)
    paras = [
        Paragraph(a, b, boilerplate=i % 3 == 0, sentences=(Sentence(a, (a + b) // 2),))
        for i, (a, b) in enumerate(itertools.pairwise(bounds))
    ]
    doc = build_document(article(text, paras))
    for line in wrap_document(doc, width):
        assert 0 <= line.start <= line.end <= len(doc.text)
        assert cell_len(doc.text[line.start : line.end].rstrip()) <= max(width, 2)
    for a_start, a_end, _ in doc.segments:
        for offset in range(a_start, a_end):
            shown = doc.to_display(offset)
            original = text[offset]
            if original.isprintable() and not original.isspace():
                assert doc.text[shown] == original
