"""`python -m newsreader`."""

from __future__ import annotations

import sys

from newsreader.cli import main

sys.exit(main())
