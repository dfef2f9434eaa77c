"""HTML and Markdown reuse records: complete, self-contained, and never executing article text."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from newsreader import __version__
from newsreader.corpus import load_article, load_corpus
from newsreader.provenance import export_html, export_markdown
from newsreader.reuse import compare_articles

SHARED = (
    "The regional water board approved a plan on Tuesday to replace lead pipes in every school "
    "building in the district before the next winter begins."
)
EVIL = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> **bold** [link](http://evil) "
    "| pipe | `tick` ```fence``` &amp; </div></pre>"
)
VOID = {"meta", "br", "img", "hr", "link", "input"}


class Checker(HTMLParser):
    """Tag balance, and every tag and attribute seen, to prove no article markup got through."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()
        self.attrs: set[str] = set()
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs.update(k for k, _ in attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def evil_comparison(tmp_path: Path):
    a = load_article(write(tmp_path, "a.txt", f"Plain title\n\n{SHARED}\n\n{EVIL}"))
    b = load_article(write(tmp_path, "b.txt", f"Other title\n\n{EVIL}\n\n{SHARED} Extra words."))
    return compare_articles(a, b)


def test_html_is_valid_and_escapes_article_text(tmp_path: Path) -> None:
    comparison = evil_comparison(tmp_path)
    assert comparison.passages
    page = export_html(comparison)
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == []
    assert checker.stack == []
    assert "script" not in checker.tags and "img" not in checker.tags
    assert not any(a.startswith("on") for a in checker.attrs)
    assert "<script>" not in page and "</pre>" not in page
    assert "&amp;amp;" in page  # the article's literal "&amp;" shown as typed
    # each text pane shows its article's text exactly, character for character
    unmarked = re.sub(r'<a id="p\d+-[ab]" href="#p\d+" class="pn">\[\d+\]</a>', "", page)
    panes = re.findall(r'<div class="text">(.*?)</div>', unmarked, flags=re.S)
    shown = [html.unescape(re.sub(r"<[^>]+>", "", pane)) for pane in panes]
    assert shown == [comparison.a.text, comparison.b.text]


def test_html_is_self_contained_and_citable(tmp_path: Path) -> None:
    comparison = evil_comparison(tmp_path)
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    page = export_html(comparison, generated=when)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)""", page)
    assert "<link" not in page and "@import" not in page
    assert "2026-01-02T03:04:05Z" in page
    assert __version__ in page
    for side in (comparison.a, comparison.b):
        assert hashlib.sha256(side.path.read_bytes()).hexdigest() in page
        assert side.content_hash in page
        assert str(side.path.resolve()) in page
    assert f"{comparison.a_reused_pct:.1f}%" in page
    for kind in {p.kind for p in comparison.passages}:
        assert f'class="{kind}' in page or f'class="{kind}"' in page or kind in page


def test_markdown_escapes_and_fences_article_text(tmp_path: Path) -> None:
    comparison = evil_comparison(tmp_path)
    md = export_markdown(comparison, generated=datetime(2026, 1, 2, tzinfo=UTC))
    # outside fenced blocks no raw HTML or Markdown link from the article survives
    outside = re.sub(r"(?ms)^(`{3,})text\n.*?^\1$", "", md)
    assert "<script>" not in outside and "[link](" not in outside
    fences = re.findall(r"(?m)^(`{3,})text$", md)
    assert len(fences) == 2 and all(len(f) >= 4 for f in fences)  # longer than ``` in text
    assert "2026-01-02T00:00:00Z" in md
    assert comparison.a.content_hash in md
    assert "⟦1 " in md and "⟦/1⟧" in md


def test_markdown_markers_sit_at_passage_offsets(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    by_name = {a.path.name[:3]: a for a in corpus.articles}
    comparison = compare_articles(by_name["001"], by_name["002"])
    md = export_markdown(comparison)
    first = comparison.passages[0]
    start = md.index(f"⟦1 {first.kind}⟧") + len(f"⟦1 {first.kind}⟧")
    words = comparison.a.text[first.a_start : first.a_end][:40]
    assert md[start : start + len(words)] == words
    assert "millions of conversations" in md.split("## Changed facts")[1]


def test_html_on_seeds_flags_the_changed_fact(seeds_dir: Path) -> None:
    corpus = load_corpus([seeds_dir])
    by_name = {a.path.name[:3]: a for a in corpus.articles}
    page = export_html(compare_articles(by_name["001"], by_name["002"]))
    assert "thousands of online conversations → millions of conversations" in page
    assert 'class="fact' in page or "fact" in page


def test_write_export_picks_the_format_and_refuses_the_folders_being_read(
    tmp_path: Path,
) -> None:
    from newsreader.provenance.export import target_problem, write_export

    a_path, b_path = tmp_path / "read" / "a.txt", tmp_path / "read" / "b.txt"
    a_path.parent.mkdir()
    a_path.write_text(f"Title A\n\n{SHARED}\n", encoding="utf-8")
    b_path.write_text(f"Title B\n\n{SHARED}\n", encoding="utf-8")
    comparison = compare_articles(load_article(a_path), load_article(b_path))
    out = tmp_path / "out"
    out.mkdir()
    written = write_export(comparison, out / "record.md")
    assert written == (out / "record.md").resolve()
    assert written.read_text(encoding="utf-8") == export_markdown(comparison)
    as_html = write_export(comparison, out / "record.txt", "html")  # the CLI names the format
    assert as_html.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temp files left
    assert target_problem(a_path.parent / "record.html", [a_path.parent]) is not None
    assert target_problem(out / "record.pdf", []) is not None
    assert target_problem(out / "record.html", [a_path.parent]) is None
