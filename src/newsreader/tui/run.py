"""Launch the reader."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def run_tui(paths: Sequence[str]) -> int:
    print("newsreader: the reader UI is not built yet; try `newsreader list`", file=sys.stderr)
    return 2
