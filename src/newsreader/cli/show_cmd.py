"""`newsreader show ARTICLE`: one article's clean text (what every offset points into)."""

from __future__ import annotations

import argparse
import sys

from newsreader.cli.common import article_ref, open_library, print_json
from newsreader.text import clean_for_display


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "show",
        help="print one article's clean text and metadata",
        description=(
            "Print the article's decoded, cleaned text: the text every offset (search hits, "
            "passages, paragraphs) points into. With --json, the text with its metadata and "
            "paragraphs. ARTICLE is an id, a path, a URL, or a unique start of a title."
        ),
    )
    parser.add_argument("article", metavar="ARTICLE")
    parser.add_argument("--json", action="store_true", help="text, metadata and paragraphs")


def run(args: argparse.Namespace) -> int:
    library = open_library()
    library.ensure_seeded()
    article = article_ref(library, args.article)
    if args.json:
        print_json(article.to_json() | {"text": article.text})
        return 0
    if sys.stdout.isatty():
        # On a terminal the text is shown, so control characters are blanked (same length);
        # piped, it is the exact text the offsets point into.
        sys.stdout.write(clean_for_display(article.text))
    else:
        sys.stdout.write(article.text)
    if not article.text.endswith("\n"):
        sys.stdout.write("\n")
    return 0
