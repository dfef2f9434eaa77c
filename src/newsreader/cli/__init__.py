"""Command line: `newsreader [PATH ...]` opens the reader; subcommands print tables or JSON.

Each subcommand lives in its own module with `add_parser(subparsers)` and `run(args) -> int`;
they print what the UI shows, from the same core functions.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any

from newsreader import __version__
from newsreader.cli.common import CliError, fail

# name -> (module in newsreader.cli, its add_parser function, its run function). Imported only
# for the command that runs (all of them for --help): `newsreader search` must not pay for the
# compare view's, the feed fetcher's or the provenance imports before it answers.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "list": ("list_cmd", "add_parser", "run"),
    "search": ("search_cmd", "add_parser", "run"),
    "compare": ("compare_cmd", "add_parser", "run"),
    "related": ("related_cmd", "add_parser", "run"),
    "config": ("config_cmd", "add_parser", "run"),
    "story": ("story_cmd", "add_parser", "run"),
    "show": ("show_cmd", "add_parser", "run"),
    "add": ("add_cmd", "add_parser", "run"),
    "remove": ("add_cmd", "add_remove_parser", "run_remove"),
    "sources": ("add_cmd", "add_sources_parser", "run_sources"),
    "feed": ("feed_cmd", "add_parser", "run"),
    "fetch": ("fetch_cmd", "add_parser", "run"),
    "import": ("import_cmd", "add_parser", "run"),
    "export": ("export_cmd", "add_parser", "run"),
    "batch": ("batch_cmd", "add_parser", "run"),
}


def _command(name: str, part: int) -> Any:
    module = importlib.import_module(f"newsreader.cli.{COMMANDS[name][0]}")
    return getattr(module, COMMANDS[name][part])


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser: every command, or `only` that one (what a run needs)."""
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description=(
            "Read news in the terminal and see where it came from. With no command, opens the "
            "reader on your library, or on PATHs (files or folders of .txt/.md/.html), which are "
            "added to it."
        ),
        epilog="Commands: " + ", ".join(COMMANDS) + ". Run `newsreader COMMAND --help` for each.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in [only] if only is not None else list(COMMANDS):
        _command(name, 1)(sub)
    return parser


def build_tui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description="Open the reader on PATHs (files or folders), or on the bundled seeds.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    parser.add_argument("paths", nargs="*", metavar="PATH", help="article files or folders")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    # `newsreader PATH ...` and `newsreader COMMAND ...` share the first position, so route by
    # whether the first word names a command; `--help` shows the command list.
    if args_list and (args_list[0] in COMMANDS or args_list[0] in ("-h", "--help")):
        only = args_list[0] if args_list[0] in COMMANDS else None
        args = build_parser(only).parse_args(args_list)
        try:
            return int(_command(args.command, 2)(args))
        except CliError as e:  # bad paths, unknown article names: one line, exit 2
            return fail(str(e))
        except BrokenPipeError:  # `newsreader list | head`
            sys.stderr.close()
            return 0
        except KeyboardInterrupt:
            return 130
    args = build_tui_parser().parse_args(args_list)
    from newsreader.tui.run import run_tui  # textual is imported only when the UI is wanted

    return run_tui(args.paths)
