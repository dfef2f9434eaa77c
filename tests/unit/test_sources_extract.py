"""Pages -> clean text and metadata with trafilatura; saved .html files go the same way."""

from __future__ import annotations

from pathlib import Path

import pytest
import trafilatura.external
from sources_pages import PARAGRAPHS, article_page

from newsreader.corpus.loader import load_article
from newsreader.sources.extract import (
    ExtractError,
    decode_page,
    extract_article,
    fragment_text,
    page_document,
)


def test_page_becomes_article_text_and_metadata_without_chrome() -> None:
    raw = article_page().encode()
    doc = page_document(raw, "https://gazette.example/harbour", content_type="text/html")
    for p in PARAGRAPHS:
        assert p in doc.text
    for chrome in ("Weather forecast", "Celebrity chef", "All rights reserved"):
        assert chrome not in doc.text
    assert doc.title == "Council approves harbour expansion"
    assert doc.byline == "Jane Reporter"
    assert doc.date == "2024-03-05"
    assert doc.outlet == "The Harbour Gazette"
    assert doc.raw == raw and doc.locator == "https://gazette.example/harbour"


def test_paragraphs_are_separated_by_blank_lines() -> None:
    # Our segmenter splits paragraphs at blank lines: trafilatura's single newlines are not.
    text = extract_article(article_page()).text
    assert f"{PARAGRAPHS[0]}\n\n{PARAGRAPHS[1]}" in text


def test_saved_html_file_goes_through_the_same_extractor(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(article_page())
    article = load_article(tmp_path / "page.html")
    assert "Weather forecast" not in article.text and "Celebrity chef" not in article.text
    assert article.byline == "Jane Reporter" and article.date == "2024-03-05"
    # Offsets point into the extracted text.
    spans = [article.text[p.start : p.end] for p in article.paragraphs]
    for p in PARAGRAPHS:
        assert p in spans


def test_basic_extractor_is_the_fallback_when_trafilatura_finds_nothing(monkeypatch) -> None:
    from newsreader.corpus import html

    monkeypatch.setattr(html, "extract_trafilatura", lambda source, url=None: None)
    found = extract_article("<html><body><nav>Menu</nav><p>Only text.</p></body></html>")
    assert found.text == "Only text."


def test_jusText_fallback_runs_without_import_errors(monkeypatch) -> None:
    # trafilatura hands short extractions to jusText, which needs lxml_html_clean on lxml>=5.2
    # (ImportError otherwise). Spy on the rescue to be sure this page takes that path.
    calls = []
    real = trafilatura.external.justext_rescue

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura.external, "justext_rescue", spy)
    html = (
        "<html><body><div><div>"
        "<p>A short notice: the library opens late on Monday because of staff training.</p>"
        "</div></div></body></html>"
    )
    found = extract_article(html)
    assert calls, "the jusText path was not taken"
    assert "library opens late on Monday" in found.text


def test_page_without_text_is_an_error() -> None:
    with pytest.raises(ExtractError, match="no article text"):
        page_document(b"<html><body><nav>Menu</nav></body></html>", "https://x.example/")


def test_charset_header_then_meta_then_detection() -> None:
    page = article_page(charset=None).replace("harbour", "hárbour").encode("cp1252")
    assert "hárbour" in decode_page(page, "text/html; charset=windows-1252").text
    meta = article_page(charset="windows-1252").replace("harbour", "hárbour").encode("cp1252")
    assert "hárbour" in decode_page(meta, "text/html").text
    # A header that lies (utf-8 for cp1252 bytes) is not trusted over the bytes.
    assert "hárbour" in decode_page(meta, "text/html; charset=utf-8").text


def test_mostly_utf8_page_with_a_bad_byte_is_read() -> None:
    raw = article_page().encode() + "é".encode() * 50 + b"\xff"
    assert "\ufffd" in decode_page(raw).text


def test_fragment_text_keeps_text_and_drops_markup_and_scripts() -> None:
    text = fragment_text("<p>Hello, <b>world</b>!</p><script>alert(1)</script><p>Second.</p>")
    assert text == "Hello, world!\n\nSecond."
    assert fragment_text("plain &amp; simple") == "plain & simple"
