"""newsreader: read news in the terminal and see where it came from."""

from __future__ import annotations

__version__ = "0.1.0"
