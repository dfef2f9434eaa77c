"""Launch the reader (the CLI calls this; textual is imported only here and below)."""

from __future__ import annotations

from collections.abc import Sequence


def run_tui(paths: Sequence[str]) -> int:
    """Open the reader on `paths` (or the bundled seeds); the exit code of the app."""
    from newsreader.tui.app import make_app

    app = make_app(paths)
    result = app.run()
    return result if isinstance(result, int) else (app.return_code or 0)
