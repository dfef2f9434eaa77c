"""Moving in: newsboat's urls file and cache.db, OPML import and export, dataset files."""

from __future__ import annotations

import gzip
import json
import sqlite3
from pathlib import Path

import pytest

from newsreader.sources.datasets import DatasetError, read_dataset
from newsreader.sources.newsboat import (
    NewsboatError,
    iter_cache_items,
    parse_urls,
    read_cache_feeds,
    read_urls,
)
from newsreader.sources.opml import OpmlError, parse_opml, to_opml

NEWSBOAT = Path(__file__).parents[1] / "fixtures" / "newsboat"

# --- newsboat --------------------------------------------------------------------------------


def test_urls_file_feeds_names_and_tags_with_commands_never_imported() -> None:
    feeds, skipped = read_urls(NEWSBOAT / "urls")
    assert [f.url for f in feeds] == [
        "file:///tmp/nbtest/feed.xml",
        "https://gazette.example/rss.xml",
        "https://wire.example/atom.xml",
    ]
    assert feeds[0].name == "My Local" and feeds[0].tags == ("news",)
    assert feeds[1].tags == ("news", "local news")  # "!hidden" is newsboat's hide flag
    assert len(skipped) == 2 and all("run a command" in s for s in skipped)
    assert skipped[0].startswith("line 6: exec")


def test_urls_file_with_an_unclosed_quote_skips_that_line() -> None:
    feeds, skipped = parse_urls('https://a.example/rss "unclosed\nhttps://b.example/rss\n')
    assert [f.url for f in feeds] == ["https://b.example/rss"]
    assert skipped and skipped[0].startswith("line 1")


def test_cache_feeds_and_items_with_read_flags_and_deleted_rows_skipped() -> None:
    (feed,) = read_cache_feeds(NEWSBOAT / "cache.db")
    assert feed.spec.url == "file:///tmp/nbtest/feed.xml" and feed.title == "Local Feed"
    items = dict((doc.locator, (url, doc)) for url, doc in iter_cache_items(NEWSBOAT / "cache.db"))
    assert set(items) == {"http://example.org/1", "http://example.org/2"}  # 3 was deleted
    url, first = items["http://example.org/1"]
    assert url == "file:///tmp/nbtest/feed.xml"
    assert first.text == "Hello one.\n\nSecond paragraph."  # HTML to text, script dropped
    assert first.title == "First item" and first.byline == "Ann Author"
    assert first.date == "2024-03-05" and first.outlet == "Local Feed"
    assert not first.read and first.summary_only
    assert items["http://example.org/2"][1].read


def test_cache_that_is_not_newsboats_is_one_error(tmp_path: Path) -> None:
    sqlite3.connect(tmp_path / "other.db").execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(NewsboatError, match="not a newsboat cache"):
        read_cache_feeds(tmp_path / "other.db")
    (tmp_path / "junk.db").write_bytes(b"not sqlite at all" * 100)
    with pytest.raises(NewsboatError):
        list(iter_cache_items(tmp_path / "junk.db"))
    with pytest.raises(NewsboatError, match="no such file"):
        read_cache_feeds(tmp_path / "missing.db")


def test_cache_is_opened_read_only(tmp_path: Path) -> None:
    db = tmp_path / "cache.db"
    db.write_bytes((NEWSBOAT / "cache.db").read_bytes())
    before = db.read_bytes()
    list(iter_cache_items(db))
    read_cache_feeds(db)
    assert db.read_bytes() == before


# --- OPML ------------------------------------------------------------------------------------

OPML = b"""<?xml version="1.0"?>
<opml version="1.0"><head><title>Subs</title></head><body>
<outline text="News">
  <outline text="Gazette" title="The Gazette" type="rss" xmlUrl="https://g.example/rss"/>
  <outline text="Wire" type="rss" xmlURL="https://w.example/atom"/>
</outline>
<outline text="Blog &amp; more" type="rss" xmlUrl="https://b.example/feed?a=1&amp;b=2"/>
<outline text="Dup" xmlUrl="https://g.example/rss"/>
<outline text="Just a link" htmlUrl="https://x.example/"/>
</body></opml>"""


def test_opml_import_finds_nested_feeds_once_with_names() -> None:
    assert parse_opml(OPML) == [
        ("https://g.example/rss", "The Gazette"),
        ("https://w.example/atom", "Wire"),
        ("https://b.example/feed?a=1&b=2", "Blog & more"),
    ]


def test_opml_export_round_trips_and_escapes() -> None:
    feeds = [("https://b.example/feed?a=1&b=2", 'Blog "&" <more>'), ("https://c.example/", None)]
    text = to_opml(feeds)
    assert text.startswith("<?xml") and "&amp;" in text
    assert parse_opml(text.encode()) == [
        ("https://b.example/feed?a=1&b=2", 'Blog "&" <more>'),
        ("https://c.example/", None),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<opml><body><outline", "broken XML"),
        (b"<rss version='2.0'/>", "not OPML"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><opml/>', "DOCTYPE"),
    ],
)
def test_bad_opml_is_one_error(data: bytes, message: str) -> None:
    with pytest.raises(OpmlError, match=message):
        parse_opml(data)


# --- datasets --------------------------------------------------------------------------------

ROWS = [
    {
        "title": "Harbour plan",
        "body": "The council voted.\r\nSecond line.",
        "published": "2024-03-05T10:00:00Z",
        "url": "https://g.example/1",
        "source": "Gazette",
        "authors": ["Ann", "Bob"],
    },
    {"title": "No text here", "body": ""},
    {"Title": "Case", "TEXT": "Upper-case columns.", "Media": "Wire", "Date": "March 6, 2024"},
]


def test_jsonl_columns_by_name_and_bad_rows_named_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl"
    lines = [json.dumps(r) for r in ROWS]
    lines.insert(2, "{not json")
    lines.insert(3, "[1, 2]")
    path.write_text("\n".join(lines) + "\n\n")
    errors: list[str] = []
    docs = list(read_dataset(path, errors.append))
    assert [d.locator for d in docs] == [f"{path}#row-1", f"{path}#row-5"]
    first = docs[0]
    assert first.text == "The council voted.\nSecond line." and first.title == "Harbour plan"
    assert first.date == "2024-03-05" and first.outlet == "Gazette" and first.byline == "Ann, Bob"
    assert first.url == "https://g.example/1"
    assert docs[1].outlet == "Wire" and docs[1].date == "2024-03-06"
    assert len(errors) == 3
    assert errors[0].startswith(f"{path}: row 2 (line 2): empty text")
    assert "row 3 (line 3): not JSON" in errors[1] and "row 4 (line 4): not a JSON" in errors[2]


def test_csv_with_long_bodies_quoted_newlines_and_a_misaligned_row(tmp_path: Path) -> None:
    long_body = "word " * 60_000  # over csv's default field size limit
    path = tmp_path / "news.csv"
    path.write_text(
        "\ufeffheadline,content,date,media\n"
        f'"One","First body\nwith a newline",2024-01-02,Gazette\n'
        f'"Two","{long_body}",2024-01-03,Wire\n'
        '"Three","x","2024-01-04","Wire","extra"\n'
        '"Four","Fourth body.",,\n',
        encoding="utf-8",
    )
    errors: list[str] = []
    docs = list(read_dataset(path, errors.append))
    assert [d.title for d in docs] == ["One", "Two", "Four"]
    assert docs[0].text == "First body\nwith a newline" and docs[0].outlet == "Gazette"
    assert len(docs[1].text) > 200_000 and docs[2].date is None
    assert len(errors) == 1 and "row 3" in errors[0] and "more cells than columns" in errors[0]
    assert docs[2].locator == f"{path}#row-4"


def test_csv_without_a_text_column_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("title,date\nA,2024-01-01\n")
    with pytest.raises(DatasetError, match="no text column"):
        list(read_dataset(path))


def test_gzipped_jsonl_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "news.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for i in range(3):
            f.write(json.dumps({"text": f"Body {i}.", "title": f"T{i}"}) + "\n")
    assert [d.text for d in read_dataset(path)] == ["Body 0.", "Body 1.", "Body 2."]


def test_missing_or_unknown_dataset_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"missing\.jsonl"):
        list(read_dataset(tmp_path / "missing.jsonl"))
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(DatasetError, match="not a dataset"):
        list(read_dataset(tmp_path / "a.txt"))
