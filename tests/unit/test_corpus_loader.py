"""Finding files and loading a corpus: folders, symlinks, order, progress, cancel, HTML."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from newsreader.corpus import Skipped, iter_files, load_article, load_corpus
from newsreader.corpus.html import extract_html_basic

GOOD = "A headline for the story\n\nA body paragraph with a sentence. And another one.\n"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "b.txt").write_text(GOOD)
    (root / "a.md").write_text(GOOD)
    (root / "sub" / "c.html").write_text(
        "<html><body><h1>Title here now</h1><p>Text.</p></body></html>"
    )
    (root / "sub" / "deeper" / "d.htm").write_text("<p>Deep page text here.</p>")
    (root / "sub" / "notes.pdf").write_bytes(b"%PDF-1.4")
    (root / ".hidden" / "e.txt").write_text(GOOD)
    (root / ".dotfile.txt").write_text(GOOD)
    return root


def test_folders_are_searched_recursively_sorted_and_absolute(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    skipped: list[Skipped] = []
    files = iter_files([root], skipped)
    assert [f.relative_to(root.resolve()).as_posix() for f in files] == [
        "a.md",
        "b.txt",
        "sub/c.html",
        "sub/deeper/d.htm",
    ]
    assert all(f.is_absolute() for f in files)
    assert skipped == []


def test_same_file_named_twice_loads_once(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    corpus = load_corpus([root, root / "b.txt", str(root / "sub" / ".." / "b.txt")])
    assert [a.path.name for a in corpus.articles] == ["a.md", "b.txt", "c.html", "d.htm"]


def test_symlink_loop_in_folders_terminates(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to(root / "self.txt")
    skipped: list[Skipped] = []
    files = iter_files([root], skipped)
    assert len(files) == 4
    assert any("symlink loop" in s.reason for s in skipped)


def test_named_bad_paths_are_skipped_with_reasons(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    dangling = tmp_path / "dangling.txt"
    dangling.symlink_to(tmp_path / "gone.txt")
    loop = tmp_path / "loop.txt"
    loop.symlink_to(loop)
    corpus = load_corpus([tmp_path / "missing.txt", dangling, loop, good])
    assert [a.path for a in corpus.articles] == [good.resolve()]
    reasons = {Path(s.path).name: s.reason for s in corpus.skipped}
    assert reasons == {
        "missing.txt": "no such file or directory",
        "dangling.txt": f"broken symlink (points to {tmp_path / 'gone.txt'})",
        "loop.txt": "symlink loop",
    }
    assert str(corpus.skipped[0]).startswith("skipped ")


def test_progress_and_cancel(tmp_path: Path) -> None:
    for i in range(25):
        (tmp_path / f"f{i:02}.txt").write_text(GOOD)
    calls: list[tuple[int, int]] = []
    corpus = load_corpus([tmp_path], progress=lambda d, t: calls.append((d, t)))
    assert len(corpus) == 25
    assert calls[0] == (0, 25) and calls[-1] == (25, 25)
    assert all(b[0] - a[0] <= 100 for a, b in itertools.pairwise(calls))

    cancel = threading.Event()

    def stop_early(done: int, total: int) -> None:
        if done >= 10:
            cancel.set()

    partial = load_corpus([tmp_path], cancel=cancel, progress=stop_early)
    assert 10 <= len(partial) < 25


def test_html_is_extracted_by_suffix_or_by_sniffing(tmp_path: Path) -> None:
    page = (
        "<!DOCTYPE html><html><head><title>Page title here | Site</title></head>"
        "<body><nav>Menu</nav><p>Body text.</p></body></html>"
    )
    (tmp_path / "page.txt").write_text(page)
    article = load_article(tmp_path / "page.txt")
    assert article.title == "Page title here"
    assert "Menu" not in article.text and "<" not in article.text
    assert article.text == "Body text."


def test_html_offsets_are_into_the_extracted_text(tmp_path: Path) -> None:
    html = Path(__file__).parents[1] / "fixtures" / "corpus" / "page.html"
    article = load_article(html)
    assert "tracking" not in article.text and "Most read" not in article.text
    assert "All rights reserved" not in article.text and "Subscribe" not in article.text
    assert "Share on Facebook" not in article.text and "Ferry fares" not in article.text
    for p in article.paragraphs:
        assert article.text[p.start : p.end].strip() == article.text[p.start : p.end]
    texts = [article.text[p.start : p.end] for p in article.paragraphs]
    assert texts[0] == article.title and article.title_span == (0, len(article.title))
    first_body = next(t for t in texts if t.startswith("The harbour bridge reopened"))
    assert "$120 million" in first_body


def test_html_page_without_text_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "empty.html").write_text("<html><body><nav>Only a menu</nav></body></html>")
    corpus = load_corpus([tmp_path])
    assert corpus.articles == []
    assert "no article text" in corpus.skipped[0].reason


def test_encoding_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "u16.txt").write_bytes(GOOD.encode("utf-16"))
    assert load_article(tmp_path / "u16.txt").encoding == "utf-16"


def test_article_header_is_kept_but_page_header_dropped(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        "<html><head><title>Big news today - The Paper</title></head><body>"
        "<header><div class=logo>The Paper</div><nav>Home</nav></header>"
        "<article><header><h1>Big news today</h1><p>By Jo Roe</p></header>"
        "<p>Text one is here.</p></article></body></html>"
    )
    article = load_article(tmp_path / "p.html")
    assert article.text == "Big news today\n\nBy Jo Roe\n\nText one is here."
    assert (article.title, article.byline, article.title_span) == (
        "Big news today",
        "Jo Roe",
        (0, 14),
    )


def test_furniture_classes_are_dropped_but_body_classes_ignored(tmp_path: Path) -> None:
    (tmp_path / "p.html").write_text(
        '<html><body class="has-sidebar single"><div class="share-bar">Share</div>'
        '<div class="story"><p>Text one is here.</p><div id="related_links">Other</div></div>'
        '<div class="ad"><div class="ad"><div class="ad">Buy</div></div></div></body></html>'
    )
    article = load_article(tmp_path / "p.html")
    body = [article.text[p.start : p.end] for p in article.paragraphs if not p.boilerplate]
    assert body == ["Text one is here."]
    # The basic extractor (trafilatura's fallback) drops them by their class names.
    assert extract_html_basic((tmp_path / "p.html").read_text()).text == "Text one is here."
