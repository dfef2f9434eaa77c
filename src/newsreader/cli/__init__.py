"""Command line: `newsreader [PATH ...]` opens the reader; subcommands print tables or JSON.

Each subcommand lives in its own module with `add_parser(subparsers)` and `run(args) -> int`;
they print what the UI shows, from the same core functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from newsreader import __version__
from newsreader.cli import (
    add_cmd,
    compare_cmd,
    config_cmd,
    export_cmd,
    feed_cmd,
    fetch_cmd,
    import_cmd,
    list_cmd,
    related_cmd,
    search_cmd,
    show_cmd,
    story_cmd,
)
from newsreader.cli.common import CliError, fail

COMMANDS: dict[str, Any] = {  # modules, or namespaces of the same two functions
    "list": list_cmd,
    "search": search_cmd,
    "compare": compare_cmd,
    "related": related_cmd,
    "config": config_cmd,
    "story": story_cmd,
    "show": show_cmd,
    "add": add_cmd,
    "remove": SimpleNamespace(add_parser=add_cmd.add_remove_parser, run=add_cmd.run_remove),
    "sources": SimpleNamespace(add_parser=add_cmd.add_sources_parser, run=add_cmd.run_sources),
    "feed": feed_cmd,
    "fetch": fetch_cmd,
    "import": import_cmd,
    "export": export_cmd,
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsreader",
        description=(
            "Read news in the terminal and see where it came from. With no command, opens the "
            "reader on PATHs (files or folders of .txt/.md/.html), or on the bundled seed corpus."
        ),
        epilog="Commands: " + ", ".join(COMMANDS) + ". Run `newsreader COMMAND --help` for each.",
    )
    parser.add_argument("--version", action="version", version=f"newsreader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(sub)
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
        args = build_parser().parse_args(args_list)
        try:
            return COMMANDS[args.command].run(args)
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
