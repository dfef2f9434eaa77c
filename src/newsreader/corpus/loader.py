"""Turn paths (files and folders) into Articles, skipping bad input with a one-line reason.

Pipeline per file: read (size cap first) -> decode (decode.py) -> HTML extraction when the
file is a page (html.py) -> paragraphs and sentences (segment.py) -> boilerplate flags
(boilerplate.py) -> metadata (metadata.py). A corpus-wide pass then flags short lines that
recur across many articles. Nothing that goes wrong in one file stops the others.
"""

from __future__ import annotations

import errno
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from newsreader.corpus.boilerplate import corpus_repeated, flag_paragraphs, normalise_line
from newsreader.corpus.dates import normalise_date
from newsreader.corpus.decode import (
    MAX_BYTES,
    Decoded,
    DecodeError,
    decode_bytes,
    decode_page,
    normalise_newlines,
)
from newsreader.corpus.html import extract_html, looks_like_html
from newsreader.corpus.metadata import (
    extract_metadata,
    is_metadata_line,
    outlet_name,
    resolve_numeric_dates,
)
from newsreader.corpus.models import Article, Corpus, Paragraph, Skipped
from newsreader.corpus.segment import paragraph_spans, split_sentences
from newsreader.text import blank_controls

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PROGRESS_EVERY = 10


class ArticleError(Exception):
    """A file that cannot become an article; the message is the one-line reason."""


def _link_problem(path: Path) -> str | None:
    """Why a symlink cannot be followed (loop, dangling), or None when it resolves."""
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports loops this way
        return "symlink loop"
    except OSError as e:
        if e.errno == errno.ELOOP:
            return "symlink loop"
        if path.is_symlink():
            return f"broken symlink (points to {os.readlink(path)})"
        return e.strerror or str(e)
    return None


def _walk(
    top: Path, out: list[Path], skipped: list[Skipped], cancel: threading.Event | None = None
) -> None:
    """Article files under `top`, resolved: hidden folders skipped, each real folder visited once.

    Each folder is resolved once and its plain files joined onto that (a `resolve()` per file
    was a tenth of the loading time); only symlinked files are resolved one by one.
    """
    seen: set[tuple[int, int]] = set()

    def on_error(e: OSError) -> None:
        skipped.append(Skipped(str(e.filename), f"cannot read folder: {e.strerror}"))

    for root, dirs, files in os.walk(top, followlinks=True, onerror=on_error):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:  # reached again through a symlink: a loop
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        real_root = Path(os.path.realpath(root))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for n, name in enumerate(sorted(files)):
            if n % 512 == 0 and cancel is not None and cancel.is_set():
                return  # the caller looks at `cancel` and uses nothing of a cut walk
            if name.startswith(".") or os.path.splitext(name)[1].lower() not in SUFFIXES:
                continue
            link = os.path.join(root, name)
            if os.path.islink(link):
                path = Path(link)
                problem = _link_problem(path)
                if problem:
                    skipped.append(Skipped(str(path), problem))
                else:
                    out.append(path.resolve())
            else:
                out.append(real_root / name)
        # Symlinked folders that dangle or loop show up in `dirs` only when they resolve.
        for d in list(dirs):
            problem = _link_problem(Path(root) / d) if (Path(root) / d).is_symlink() else None
            if problem:
                dirs.remove(d)
                skipped.append(Skipped(str(Path(root) / d), problem))


def iter_files(
    paths: Iterable[Path], skipped: list[Skipped], cancel: threading.Event | None = None
) -> list[Path]:
    """Article files named by `paths` (folders searched recursively), absolute and sorted.

    Paths that cannot be used are appended to `skipped` with a one-line reason. When `cancel`
    is set the walk stops early: the list is then incomplete.
    """
    found: list[Path] = []
    for p in paths:
        p = Path(p).expanduser()
        if not os.path.lexists(p):
            skipped.append(Skipped(str(p), "no such file or directory"))
            continue
        problem = _link_problem(p) if p.is_symlink() else None
        if problem:
            skipped.append(Skipped(str(p), problem))
        elif p.is_dir():
            _walk(p, found, skipped, cancel)
        elif p.is_file():
            found.append(p.resolve())
        else:
            skipped.append(Skipped(str(p), "not a regular file"))
    unique = dict.fromkeys(found)  # already resolved: two links to one file count once
    return sorted(unique, key=str)


def _paragraphs(text: str, view: str) -> list[Paragraph]:
    """Paragraphs of `text`; `view` is `text` with control characters blanked (same offsets)."""
    spans = paragraph_spans(text)
    flags = flag_paragraphs(view, spans)
    return [
        Paragraph(s, e, flag, tuple(split_sentences(view, s, e)))
        for (s, e), flag in zip(spans, flags, strict=True)
    ]


def parse_text(text: str, path: Path, *, html: bool | None = None) -> Article:
    """The whole pipeline on already-decoded text: HTML extraction (when `html` or sniffed),
    segmentation, boilerplate flags and metadata."""
    text = normalise_newlines(text)
    page = None
    if html if html is not None else looks_like_html(text):
        page = extract_html(text)
        text = page.text
    # Control characters (wire layout marks) read as spaces; offsets are the same in both.
    view = blank_controls(text)
    paragraphs = _paragraphs(text, view)
    meta = extract_metadata(view, paragraphs)
    article = Article(
        path=path,
        text=text,
        title=meta.title,
        outlet=meta.outlet,
        date=meta.date,
        byline=meta.byline,
        kind="press_release" if meta.kind == "press_release" else "news",
        paragraphs=paragraphs,
        title_span=meta.title_span,
    )
    if page is not None:
        # What the page declares beats what the text suggests.
        if page.title:
            article.title = page.title
            at = text.find(page.title)
            article.title_span = (at, at + len(page.title)) if at >= 0 else None
        article.date = (normalise_date(page.date) if page.date else None) or article.date
        article.byline = page.byline or article.byline
        article.outlet = (outlet_name(page.outlet, text) if page.outlet else None) or article.outlet
    return article


def load_article(path: Path) -> Article:
    """Read, decode and parse one file; raises `ArticleError` with a one-line reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(
                f"file too large ({size / 2**20:.1f} MB; limit {MAX_BYTES // 2**20} MB)"
            )
        raw = path.read_bytes()
    except OSError as e:
        raise ArticleError(_os_reason(e, path)) from None
    is_html = path.suffix.lower() in HTML_SUFFIXES
    try:
        decoded = _decode_page(raw) if is_html else decode_bytes(raw)
    except DecodeError as e:
        raise ArticleError(str(e)) from None
    article = parse_text(decoded.text, path.resolve(), html=is_html or None)
    if not article.paragraphs:
        raise ArticleError("no article text found (the page has no readable text)")
    article.encoding = decoded.encoding
    return article


def _decode_page(raw: bytes) -> Decoded:
    """A saved page honours its `<meta charset>` (what a browser does), then detection."""
    return decode_page(raw)


def _os_reason(e: OSError, path: Path) -> str:
    if e.errno == errno.ELOOP:
        return "symlink loop"
    if e.errno == errno.ENOENT and path.is_symlink():
        return "broken symlink"
    if e.errno == errno.EISDIR:
        return "is a folder"
    return (e.strerror or str(e)).splitlines()[0]


def short_lines(article: Article) -> list[str]:
    """The lines of `article` short enough to be site furniture (what `corpus_repeated` counts)."""
    return [article.text[p.start : p.end] for p in article.paragraphs if p.end - p.start <= 100]


def flag_repeated_lines(articles: Sequence[Article], min_articles: int = 3) -> None:
    """Flag short lines that recur in `min_articles`+ articles (site furniture), in place."""
    repeated = corpus_repeated([short_lines(a) for a in articles], min_articles)
    if repeated:
        flag_lines(articles, repeated)


def line_normaliser() -> Callable[[str], str]:
    """`normalise_line` with a memory: furniture recurs by definition, so each distinct line
    is normalised once (for one pass; the memory goes with the function)."""
    normalised: dict[str, str] = {}

    def norm(line: str) -> str:
        n = normalised.get(line)
        if n is None:
            n = normalised[line] = normalise_line(line)
        return n

    return norm


def flag_lines(articles: Sequence[Article], repeated: set[str]) -> list[Article]:
    """Flag the short lines of `articles` that are in `repeated` (normalised lines, from
    `corpus_repeated`) as boilerplate, in place; returns the articles that changed. A changed
    article gets a new paragraph list (the old one is left as it was)."""
    norm = line_normaliser()
    out = []
    for a in articles:
        changed = False
        new = []
        for p in a.paragraphs:
            if (
                not p.boilerplate
                and p.end - p.start <= 100
                and (p.start, p.end) != a.title_span
                and norm(a.text[p.start : p.end]) in repeated
                # The same reporter or day across articles is metadata, not furniture.
                and not is_metadata_line(a.text[p.start : p.end])
            ):
                p = Paragraph(p.start, p.end, True, p.sentences)
                changed = True
            new.append(p)
        if changed:
            a.paragraphs = new
            out.append(a)
    return out


def load_corpus(
    paths: Sequence[str | Path],
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Corpus:
    """Load every article under `paths`; bad files end up in `corpus.skipped`, not raised.

    `progress(done, total)` is called every few files; when `cancel` is set, loading stops
    and the articles read so far are returned.
    """
    corpus = Corpus()
    files = iter_files([Path(p) for p in paths], corpus.skipped)
    total = len(files)
    if progress is not None:
        progress(0, total)
    for i, f in enumerate(files, 1):
        if cancel is not None and cancel.is_set():
            break
        try:
            corpus.articles.append(load_article(f))
        except ArticleError as e:
            corpus.skipped.append(Skipped(str(f), str(e)))
        except (RecursionError, MemoryError) as e:  # a pathological page must not end the load
            corpus.skipped.append(Skipped(str(f), f"could not parse: {type(e).__name__}"))
        if progress is not None and (i % PROGRESS_EVERY == 0 or i == total):
            progress(i, total)
    return finish_corpus(corpus)


def finish_corpus(corpus: Corpus) -> Corpus:
    """The corpus-level steps after every file is parsed: stable order, repeated-line flags.

    Separate from `load_corpus` so a cache that stores per-file results can run the same
    steps and get the same corpus. Per-file results leave ambiguous numeric dates (03/04/05)
    undated; the sibling pass here settles them, for cached and fresh articles alike.
    """
    corpus.articles.sort(key=lambda a: str(a.path))
    corpus.skipped.sort(key=lambda s: s.path)
    flag_repeated_lines(corpus.articles)
    # Ambiguous numeric dates (03/04/05) settled by sibling files from the same source.
    resolve_numeric_dates(corpus.articles)
    return corpus
