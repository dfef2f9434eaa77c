"""Looking at a test's child processes through /proc (Linux): which are there, which live."""

from __future__ import annotations

import contextlib
from pathlib import Path


def children_of(pid: int, marker: bytes = b"") -> list[int]:
    """The processes whose parent is `pid` (and whose command line holds `marker`)."""
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if f"\nPPid:\t{pid}\n" in (entry / "status").read_text() and (
                marker in (entry / "cmdline").read_bytes()
            ):
                out.append(int(entry.name))
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left
