"""Helpers every subcommand shares: loading paths with one-line reasons, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from newsreader.corpus import Corpus
from newsreader.paths import seeds_dir

if TYPE_CHECKING:
    from newsreader.search import SearchIndex

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
    """Load PATHs (or the seeds), report each skipped file on stderr, fail if nothing loaded.

    Through the on-disk cache the TUI uses too: a second command on the same folder parses
    only files that changed (same corpus as `load_corpus`; a broken cache is just rebuilt).
    """
    from newsreader.store.cache import load_corpus_cached

    corpus = load_corpus_cached(_targets(paths))
    for skipped in corpus.skipped:
        print(f"newsreader: {skipped}", file=sys.stderr)
    if not corpus.articles:
        raise CliError("no articles could be loaded from the given paths")
    return corpus


def _targets(paths: Sequence[str]) -> list[Path]:
    return [Path(p) for p in paths] if paths else [seeds_dir()]


def search_index(corpus: Corpus, paths: Sequence[str]) -> SearchIndex:
    """The search index of `corpus` (from `load_paths(paths)`), from the on-disk cache when it
    is current, else built and saved for the next command."""
    from newsreader.store.cache import load_search_index_cached

    return load_search_index_cached(corpus, _targets(paths))


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    print(f"newsreader: error: {message}", file=sys.stderr)
    return EXIT_USAGE
