"""Helpers every subcommand shares: loading paths with one-line reasons, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from newsreader.corpus import Corpus, load_corpus
from newsreader.paths import seeds_dir

EXIT_OK = 0
EXIT_USAGE = 2


class CliError(Exception):
    """An error that ends the command with a one-line message and exit code 2."""


def add_paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="article files or folders (searched recursively); default: the bundled seeds",
    )


def add_json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")


def load_paths(paths: Sequence[str]) -> Corpus:
    """Load PATHs (or the seeds), report each skipped file on stderr, fail if nothing loaded."""
    corpus = load_corpus([Path(p) for p in paths] if paths else [seeds_dir()])
    for skipped in corpus.skipped:
        print(f"newsreader: {skipped}", file=sys.stderr)
    if not corpus.articles:
        raise CliError("no articles could be loaded from the given paths")
    return corpus


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    print(f"newsreader: error: {message}", file=sys.stderr)
    return EXIT_USAGE
