"""The user's config file: `config.toml` in the user config dir, read with tomllib.

A missing file means defaults, silently. Anything wrong inside it (bad TOML, an unknown key, a
value of the wrong type or out of range) costs only that value: it falls back to its default
and `load_config` returns a message naming the key, so the app always starts.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from newsreader import paths

CONFIG_FILENAME = "config.toml"

# The built-in themes of textual 8.2.8 (textual/theme.py BUILTIN_THEMES), copied so that reading
# the config never imports textual. tests/unit/test_config.py checks it against textual.
DARK_THEMES = (
    "textual-dark",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "dracula",
    "tokyo-night",
    "monokai",
    "flexoki",
    "catppuccin-frappe",
    "catppuccin-macchiato",
    "solarized-dark",
    "rose-pine",
    "rose-pine-moon",
    "atom-one-dark",
    "ansi-dark",
)
LIGHT_THEMES = (
    "textual-light",
    "catppuccin-latte",
    "solarized-light",
    "rose-pine-dawn",
    "atom-one-light",
    "ansi-light",
)
THEMES = DARK_THEMES + LIGHT_THEMES

SortOrder = Literal["date", "outlet", "title"]
SORT_ORDERS: tuple[str, ...] = ("date", "outlet", "title")

_BINDING_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_KEY_NAME = re.compile(r"^[a-z0-9_]+$")


@dataclass
class Config:
    """The effective settings: the file's values where valid, defaults elsewhere."""

    theme: str = "textual-dark"
    hide_boilerplate: bool = False
    default_paths: list[str] = field(default_factory=list)
    # binding id -> comma-separated keys, for `App.set_keymap` (ids are checked by the TUI).
    keys: dict[str, str] = field(default_factory=dict)
    sort: SortOrder = "date"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def config_path() -> Path:
    return paths.config_dir() / CONFIG_FILENAME


def validate_keys(value: str) -> str | None:
    """Why a Textual key string like "ctrl+r,f5" is malformed, or None if it is fine."""
    parts = [p.strip() for p in value.split(",")]
    if not value.strip() or any(not p for p in parts):
        return "empty key (use 'comma' for the , key)"
    for part in parts:
        if any(c.isspace() for c in part):
            return f"{part!r} contains a space (use 'space' for the space bar)"
        *mods, key = part.split("+") if len(part) > 1 else [part]
        bad = [m for m in mods if m.lower() not in _MODIFIERS]
        if bad:
            return f"{part!r}: unknown modifier {bad[0]!r} (use {', '.join(sorted(_MODIFIERS))})"
        if not key:
            return f"{part!r} has no key after the modifier (use 'plus' for the + key)"
        if len(key) > 1 and not _KEY_NAME.match(key):
            return (
                f"{part!r}: {key!r} is not a key name (like 'r', 'f5', 'ctrl+r', 'question_mark')"
            )
    return None


def unknown_binding_ids(config: Config, known: set[str] | frozenset[str]) -> list[str]:
    """Messages for `[keys]` entries whose binding id the app does not have."""
    return [
        f"{CONFIG_FILENAME}: keys.{bid}: unknown action (choose from {', '.join(sorted(known))})"
        for bid in config.keys
        if bid not in known
    ]


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file; returns the effective config and one message per problem."""
    path = config_path() if path is None else path
    name = path.name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(), []
    except OSError as e:
        return Config(), [f"{name}: cannot read {path} ({e.strerror or e}); using defaults"]
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        return Config(), [f"{name}: not UTF-8 (byte {e.start}); using defaults"]
    except tomllib.TOMLDecodeError as e:
        # tomllib's message ends with "(at line L, column C)".
        return Config(), [f"{name}: not valid TOML: {e}; using defaults"]
    return from_dict(data, name=name)


def from_dict(data: dict[str, Any], *, name: str = CONFIG_FILENAME) -> tuple[Config, list[str]]:
    """Build a Config from parsed TOML, keeping the defaults for every bad value."""
    default = Config()
    errors: list[str] = []
    values: dict[str, Any] = {}

    def err(key: str, message: str) -> None:
        errors.append(f"{name}: {key}: {message}; using the default")

    for key, value in data.items():
        if key == "theme":
            if not isinstance(value, str):
                err(key, f"must be a string, not {_type(value)}")
            elif value not in THEMES:
                err(key, f"unknown theme {value!r} (choose from {', '.join(THEMES)})")
            else:
                values[key] = value
        elif key == "hide_boilerplate":
            if isinstance(value, bool):
                values[key] = value
            else:
                err(key, f"must be true or false, not {_type(value)} {value!r}")
        elif key == "sort":
            if value in SORT_ORDERS:
                values[key] = value
            else:
                err(key, f"must be one of {', '.join(SORT_ORDERS)}, not {value!r}")
        elif key == "default_paths":
            if isinstance(value, str):
                value = [value]  # a single folder written without brackets: accept it
            if isinstance(value, list) and all(isinstance(p, str) and p for p in value):
                values[key] = [os.path.expanduser(p) for p in value]
            else:
                err(key, 'must be a list of folder or file paths, like ["~/news"]')
        elif key == "keys":
            if isinstance(value, dict):
                values[key] = _keys(value, name, errors)
            else:
                err(key, 'must be a table, like [keys] then toggle_read = "r"')
        else:
            known = ", ".join(f.name for f in default.__dataclass_fields__.values())
            errors.append(f"{name}: unknown key {key!r} (known: {known}); ignored")
    return Config(**values), errors


def _keys(table: dict[str, Any], name: str, errors: list[str], prefix: str = "") -> dict[str, str]:
    keys: dict[str, str] = {}
    for part, value in table.items():
        bid = prefix + part
        where = f"{name}: keys.{bid}"
        if isinstance(value, dict):
            # Binding ids contain dots ("list.down"); unquoted in TOML they become nested tables.
            keys.update(_keys(value, name, errors, prefix=f"{bid}."))
        elif not _BINDING_ID.match(bid):
            errors.append(f"{where}: not an action name; ignored")
        elif not isinstance(value, str):
            errors.append(f'{where}: must be a string like "r" or "ctrl+r,f5"; ignored')
        elif problem := validate_keys(value):
            errors.append(f"{where}: {problem}; ignored")
        else:
            keys[bid] = ",".join(p.strip() for p in value.split(","))
    return keys


def _type(value: object) -> str:
    return {bool: "boolean", int: "integer", float: "number", str: "string", list: "list"}.get(
        type(value), "table" if isinstance(value, dict) else type(value).__name__
    )


def to_toml(config: Config) -> str:
    """The config as TOML (what `newsreader config` prints); reads back to the same Config."""
    lines = [
        f"theme = {_toml_str(config.theme)}",
        f"hide_boilerplate = {'true' if config.hide_boilerplate else 'false'}",
        f"sort = {_toml_str(config.sort)}",
        "default_paths = [" + ", ".join(_toml_str(p) for p in config.default_paths) + "]",
        "",
        "[keys]",
        *(f"{_toml_key(k)} = {_toml_str(v)}" for k, v in config.keys.items()),
    ]
    return "\n".join(lines) + "\n"


def _toml_str(s: str) -> str:
    # A JSON string is a valid TOML basic string (same escapes), for any text.
    return json.dumps(s, ensure_ascii=False)


def _toml_key(k: str) -> str:
    return k if re.fullmatch(r"[A-Za-z0-9_\-]+", k) else _toml_str(k)


DEFAULT_FILE = f"""\
# newsreader configuration. Every setting is optional; a bad value is reported
# (run `newsreader config` to check this file) and its default is used instead.

# Colour theme: one of Textual's built-in themes.
#   dark:  {", ".join(DARK_THEMES)}
#   light: {", ".join(LIGHT_THEMES)}
# theme = "textual-dark"

# Hide navigation, share buttons and other boilerplate lines in the reader
# (they are shown dimmed otherwise; `b` toggles while reading).
# hide_boilerplate = false

# Article order in the list: "date", "outlet" or "title".
# sort = "date"

# Folders (or files) to open when newsreader is started without PATHs.
# default_paths = ["~/news"]

# Key remapping: action = "keys", several keys separated by commas.
# Key names are Textual's: "r", "ctrl+r", "f5", "question_mark", "space", "comma".
# Action names are the binding ids shown in the reader's key help (ctrl+p, "keys").
[keys]
# list.down = "j,down"
# text.back = "escape,h"
"""


def write_default(path: Path | None = None) -> Path:
    """Create the commented default file; raises FileExistsError rather than overwrite."""
    path = config_path() if path is None else path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8") as f:  # "x": atomic create-if-absent
        f.write(DEFAULT_FILE)
    return path
