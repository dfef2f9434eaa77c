"""`newsreader story`: which articles are one story, where it started, what each outlet changed.

    newsreader story [PATH ...]                     stories: origin, reasons, members by date
    newsreader story --matrix [ARTICLE] [PATH ...]  a source's paragraphs against the outlets
    newsreader story --whats-new ARTICLE [PATH ...] what ARTICLE adds beyond its sources

ARTICLE is a path, or a file name (or its unique start) among the loaded articles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console

from newsreader.cli.common import (
    CliError,
    add_json_argument,
    add_paths_argument,
    derive,
    end_stages,
    fail,
    load_view,
    print_json,
    stage_printer,
)
from newsreader.cli.story_render import render_matrix, render_novelty, render_stories
from newsreader.corpus import Article, ArticleError, Corpus, load_article
from newsreader.provenance import Story, build_stories, member_facts, story_of
from newsreader.provenance.matrix import release_matrix
from newsreader.provenance.novelty import whats_new
from newsreader.provenance.story import comparisons_for

ORIGINS = "\0origins"  # `--matrix` with no ARTICLE: the matrix of every story's origin


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "story",
        help="group articles that share text into stories, with the likely origin of each",
        description=(
            "Group articles that share text into stories. For each story: the article most "
            "likely to be the source (press-release signals, earliest date, who copies from "
            "whom) with the reasons, and the members as a timeline with their reuse % and the "
            "facts (numbers, dates, names, quotations) they changed from the source."
        ),
    )
    add_paths_argument(parser)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--matrix",
        nargs="?",
        const=ORIGINS,
        metavar="ARTICLE",
        help="paragraphs of ARTICLE (default: each story's origin) against every article "
        "reusing it: copied, edited, rewritten or left out",
    )
    mode.add_argument(
        "--whats-new",
        metavar="ARTICLE",
        help="only what ARTICLE adds beyond its sources (new quotes, facts, paragraphs); "
        "the copied parts collapsed",
    )
    parser.add_argument(
        "--source",
        action="append",
        metavar="SOURCE",
        help="with --whats-new: compare against SOURCE (repeatable) instead of the other "
        "articles of ARTICLE's story",
    )
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    if args.matrix not in (None, ORIGINS) and Path(args.matrix).is_dir():
        # `--matrix FOLDER`: the optional ARTICLE swallowed a PATH; give it back.
        args.paths = [args.matrix, *args.paths]
        args.matrix = ORIGINS
    view = load_view(args.paths)
    engine = derive(view)
    corpus = view.corpus if engine is None else engine.corpus
    article = _find(corpus, args.whats_new) if args.whats_new else None
    sources = [_find(corpus, s) for s in args.source or []]
    matrix_of = _find(corpus, args.matrix) if args.matrix not in (None, ORIGINS) else None
    if engine is not None and len(corpus.articles) != len(engine.index.articles):
        engine = None  # an ARTICLE from outside the view was loaded: index it in memory
    if args.source and article is None:
        return fail("--source only goes with --whats-new")
    if engine is None:  # a read-only library: everything in memory, as before
        stories = build_stories(corpus)
    else:
        stories = build_stories(
            corpus,
            engine.index,
            verdicts=engine.verdicts,
            common=engine.common,
            stages=stage_printer(),
        )
        end_stages()
    console = Console()
    if article is not None:
        return _whats_new(console, args.json, stories, article, sources)
    if args.matrix is not None:
        return _matrix(console, args.json, stories, matrix_of)
    facts = member_facts(stories)
    if args.json:
        print_json({"stories": [_story_json(s, facts) for s in stories]})
        return 0
    console.print(render_stories(stories, facts, len(corpus.articles)))
    return 0


def _story_json(story: Story, facts: dict) -> dict:
    out = story.to_json()
    for member, entry in zip(story.members, out["members"], strict=True):
        entry["changed_facts"] = [f.to_json() for f in facts.get(id(member.article), [])]
    return out


def _matrix(console: Console, as_json: bool, stories: list[Story], source: Article | None) -> int:
    if source is None:
        sources: list[tuple[Article, Story | None]] = [(s.origin.article, s) for s in stories]
    else:
        sources = [(source, story_of(stories, source))]
    matrices = []
    for src, story in sources:
        comparisons = (
            []
            if story is None
            else [story.comparison(src, o) for o in story.articles if o is not src]
        )
        matrices.append(release_matrix(src, comparisons))
    if as_json:
        print_json({"matrices": [m.to_json() for m in matrices]})
        return 0
    for m in matrices:
        console.print(render_matrix(m))
    return 0


def _whats_new(
    console: Console,
    as_json: bool,
    stories: list[Story],
    article: Article,
    sources: list[Article],
) -> int:
    story = story_of(stories, article)
    if sources:
        cache = story.cache if story is not None else None
        comparisons = [_compare(cache, src, article) for src in sources if src is not article]
    elif story is not None:
        # The same sources the reader's what's-new view uses: the origin and earlier members.
        comparisons = comparisons_for(article, story)
    else:
        comparisons = []
    novelty = whats_new(article, comparisons)
    if as_json:
        print_json(novelty.to_json())
        return 0
    console.print(render_novelty(novelty))
    return 0


def _compare(cache, a: Article, b: Article):
    from newsreader.reuse import compare_articles

    return cache.get(a, b) if cache is not None else compare_articles(a, b)


def _find(corpus: Corpus, wanted: str) -> Article:
    """The loaded article named by a path, a file name or the unique start of a file name;
    a path outside the loaded folders is loaded and added."""
    path = Path(wanted)
    if path.exists():
        resolved = path.resolve()
        for a in corpus.articles:
            if a.path.resolve() == resolved:
                return a
        try:
            article = load_article(path)
        except ArticleError as e:
            raise CliError(f"cannot read {wanted}: {e}") from e
        corpus.articles.append(article)
        return article
    matches = [a for a in corpus.articles if a.path.name.startswith(wanted)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CliError(f"no loaded article matches {wanted!r}")
    raise CliError(f"{wanted!r} matches {len(matches)} articles; give more of the name")
