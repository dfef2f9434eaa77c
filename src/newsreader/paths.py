"""Where newsreader finds its bundled seeds and keeps its own files.

`NEWSREADER_HOME` overrides every user directory (tests always set it), so nothing is ever
written into the user's real config or into the corpus folders.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "newsreader"


def seeds_dir() -> Path:
    """The bundled seed corpus: inside the installed package, or the checkout's `seeds/`."""
    packaged = Path(__file__).resolve().parent / "seeds"
    if packaged.is_dir():
        return packaged
    # Editable/dev install: hatch's force-include only applies to built wheels.
    return Path(__file__).resolve().parents[2] / "seeds"


def _home() -> Path | None:
    home = os.environ.get("NEWSREADER_HOME")
    return Path(home) if home else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP_NAME))
