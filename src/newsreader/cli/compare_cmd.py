"""`newsreader compare` (being built: see the issue)."""

from __future__ import annotations

import argparse

from newsreader.cli.common import fail


def add_parser(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("compare", help="compare (not available yet)")


def run(args: argparse.Namespace) -> int:
    return fail("'compare' is not available yet")
