"""Launch the reader (the CLI calls this; textual is imported only here and below)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence


def run_tui(paths: Sequence[str]) -> int:
    """Open the reader on `paths` (or the bundled seeds); the exit code of the app."""
    # Without a terminal (a script, cron, a pipe) Textual's terminal driver spins on a closed
    # input; say what to use instead. `textual serve` and other drivers set TEXTUAL_DRIVER.
    if not os.environ.get("TEXTUAL_DRIVER") and not (sys.stdin.isatty() and sys.stdout.isatty()):
        print(
            "newsreader: the reader needs a terminal; in scripts use "
            "`newsreader list|search|compare|related|story ... --json`",
            file=sys.stderr,
        )
        return 2
    from newsreader.tui.app import make_app

    app = make_app(paths)
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
