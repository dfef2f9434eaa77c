"""The core packages must work without textual: the UI is a thin layer on top."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "newsreader.corpus",
    "newsreader.reuse",
    "newsreader.search",
    "newsreader.store",
    "newsreader.provenance",
    "newsreader.sources",
    "newsreader.sources.feeds",
    "newsreader.sources.newsboat",
    "newsreader.sources.datasets",
    "newsreader.sources.opml",
    "newsreader.config",
    "newsreader.cli.common",
    "newsreader.text",
    "newsreader.paths",
]


def test_core_packages_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE)
        + "assert 'textual' not in sys.modules, sorted(m for m in sys.modules if 'textual' in m)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
