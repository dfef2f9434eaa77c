"""Where the reader's stylesheets are: screens pushed on their own (tests, tools) load theirs."""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPARE_TCSS = HERE / "compare.tcss"
PROVENANCE_TCSS = HERE / "provenance.tcss"
