"""`newsreader config`: where the config file is, what is in effect, a commented starter file."""

from __future__ import annotations

import argparse
import sys

from rich.console import Console
from rich.text import Text

from newsreader.cli.common import add_json_argument, fail, print_json
from newsreader.config import config_path, load_config, to_toml, write_default
from newsreader.paths import data_dir
from newsreader.store.state import STATE_FILENAME

EXIT_CONFIG_PROBLEMS = 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "config",
        help="show the config file's path and the settings in effect",
        description=(
            "Print the settings in effect (the config file's valid values, defaults elsewhere) "
            "as TOML. Problems in the file go to stderr and make the exit status 1; the reader "
            "still starts with defaults for the bad values."
        ),
    )
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--path", action="store_true", help="print the config file's path")
    group.add_argument(
        "--init",
        action="store_true",
        help="write a commented default config file (never overwrites an existing one)",
    )
    add_json_argument(parser)


def run(args: argparse.Namespace) -> int:
    path = config_path()
    if args.path:
        print(path)
        return 0
    if args.init:
        return _init()
    config, errors = load_config(path)
    _report(errors)
    state = data_dir() / STATE_FILENAME
    if args.json:
        info = {"path": str(path), "exists": path.is_file(), "state_path": str(state)}
        print_json({**info, **config.to_json()})
    else:
        where = str(path) if path.is_file() else f"{path} (not created yet: defaults)"
        sys.stdout.write(f"# config: {where}\n# read marks and stars: {state}\n{to_toml(config)}")
    return EXIT_CONFIG_PROBLEMS if errors else 0


def _init() -> int:
    path = config_path()
    try:
        write_default(path)
    except FileExistsError:
        return fail(f"{path} already exists; not overwritten")
    except OSError as e:
        return fail(f"cannot write {path}: {e.strerror or e}")
    print(f"wrote {path}")
    return 0


def _report(errors: list[str]) -> None:
    # Rich so the messages stand out; it honours NO_COLOR (and plain text when piped).
    console = Console(stderr=True, highlight=False)
    for message in errors:
        console.print(Text.assemble(("newsreader: ", "bold"), (message, "yellow")), soft_wrap=True)
