"""Watch folders while the reader runs: which article files were saved, changed or deleted.

`watch_changes` blocks in the caller's thread (the reader runs it in a worker) and hands each
burst of changes, already coalesced, to a callback as a sorted list of paths: an editor's
write-to-temp-then-rename arrives as one batch naming the article once. The callback is meant
to pass them to `Library.update_files`, which reads only those files (no folder is walked).

watchfiles (inotify/FSEvents/ReadDirectoryChangesW through Rust's notify) does the watching.
A watched folder that disappears is dropped and its deletions still come through; folders are
looked at again every few seconds, so one that comes back is watched again. Nothing a folder
does raises out of here: trouble is reported through `on_error` and retried.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from newsreader.corpus.loader import SUFFIXES

# Changes are collected until none came for STEP_MS (an editor's save is a few events within
# milliseconds), but never for more than DEBOUNCE_MS, so a long copy still shows progress.
STEP_MS = 80
DEBOUNCE_MS = 600
# How often the list of live folders is checked (a folder that came back is watched again).
RECHECK_MS = 3000


class StopFlag(Protocol):
    def is_set(self) -> bool: ...


@dataclass(frozen=True)
class Root:
    """A folder to watch; `only`: just these files in it (a file source), else everything."""

    folder: Path
    only: frozenset[str] | None = None


@dataclass
class _Roots:
    roots: Sequence[Root] | Callable[[], Sequence[Root]]
    on_error: Callable[[str], None] | None = None
    last: list[Root] = field(default_factory=list)
    told: str = ""

    def live(self) -> list[Root]:
        """The roots whose folders exist now (the last good answer if asking fails)."""
        if callable(self.roots):
            try:
                self.last = list(self.roots())
            except Exception as e:  # the library busy or closing: keep the last answer
                self._tell(f"watching folders: {type(e).__name__}: {e}")
        else:
            self.last = list(self.roots)
        return [r for r in self.last if r.folder.is_dir()]

    def tick(self, on_tick: Callable[[], None] | None) -> None:
        if on_tick is None:
            return
        try:
            on_tick()
        except Exception as e:  # never takes the watch down
            self._tell(f"watching the library: {type(e).__name__}: {e}")

    def _tell(self, message: str) -> None:
        # Once per kind of trouble: a library locked for minutes is not a warning every 3 s.
        if self.on_error is not None and message != self.told:
            self.told = message
            self.on_error(message)


def roots_for(folders: Iterable[str | Path], files: Iterable[str | Path] = ()) -> list[Root]:
    """What to watch for these folder and file sources: each folder; each file's folder,
    narrowed to the file. A folder inside another watched folder is left to the outer one."""
    dirs = sorted({Path(f).absolute() for f in folders}, key=lambda p: len(p.parts))
    out: list[Root] = []
    for d in dirs:
        if not any(d.is_relative_to(r.folder) for r in out):
            out.append(Root(d))
    by_parent: dict[Path, set[str]] = {}
    for f in files:
        p = Path(f).absolute()
        if not any(p.is_relative_to(r.folder) for r in out):
            by_parent.setdefault(p.parent, set()).add(str(p))
    out += [Root(parent, frozenset(names)) for parent, names in sorted(by_parent.items())]
    return out


def is_article_path(path: str | Path, roots: Sequence[Root]) -> bool:
    """Whether a changed path is an article file the library would read from these roots: a
    known suffix, no hidden part (editor swap files, `.git`), under a root (or one of its
    files)."""
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        return False
    for root in roots:
        if not p.is_relative_to(root.folder):
            continue
        if root.only is not None:
            if str(p) in root.only:
                return True
            continue
        if not any(part.startswith(".") for part in p.relative_to(root.folder).parts):
            return True
    return False


def watch_changes(
    roots: Sequence[Root] | Callable[[], Sequence[Root]],
    on_batch: Callable[[list[str]], None],
    *,
    stop: StopFlag,
    on_error: Callable[[str], None] | None = None,
    on_tick: Callable[[], None] | None = None,
) -> None:
    """Until `stop.is_set()`: call `on_batch(paths)` for each burst of changed article files
    under `roots` (created, modified or deleted; see the module docstring). `roots` may be a
    function, asked again every few seconds (a folder added to the library meanwhile is
    watched from then on); `on_tick()` is called as often, whatever happened."""
    import watchfiles

    state = _Roots(roots, on_error)
    while not stop.is_set():
        live = state.live()
        if not live:
            _wait(stop, RECHECK_MS)
            state.tick(on_tick)
            continue
        watching = {r.folder for r in live}
        try:
            for changes in watchfiles.watch(
                *(r.folder for r in live),
                stop_event=stop,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                rust_timeout=RECHECK_MS,
                yield_on_timeout=True,
                raise_interrupt=False,
                # Our own filter below; watchfiles' default one would drop nothing we want
                # but costs a regex per event.
                watch_filter=None,
            ):
                paths = sorted({p for _, p in changes if is_article_path(p, live)})
                if paths:
                    on_batch(paths)
                state.tick(on_tick)
                live = state.live()
                if {r.folder for r in live} != watching:
                    break  # a folder vanished, came back or was added: watch them afresh
        except Exception as e:  # a watch that fails is retried; it never takes the reader down
            if on_error is not None:
                on_error(f"watching folders: {type(e).__name__}: {e}")
            _wait(stop, RECHECK_MS)


def _wait(stop: StopFlag, ms: int) -> None:
    """Sleep up to `ms`, waking early when `stop` is set."""
    if isinstance(stop, threading.Event):
        stop.wait(ms / 1000)
        return
    for _ in range(max(1, ms // 50)):
        if stop.is_set():
            return
        threading.Event().wait(0.05)
