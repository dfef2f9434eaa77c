"""Parse many article files at once: in worker processes when there are enough of them.

The loader is pure Python, so threads cannot run it in parallel; processes can. Workers are
started with "spawn" (never fork a process that runs UI threads), get chunks of paths and send
back each article already encoded as plain tuples (codec.py), which is cheap to move between
processes and is what the cache stores anyway. Below `PARALLEL_MIN` files, or with one CPU, or
when anything about the pool fails, files are parsed here, one by one: same results either way.
`NEWSREADER_WORKERS=1` turns the pool off.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from newsreader.corpus import loader as corpus_loader
from newsreader.corpus.models import Article
from newsreader.store.codec import decode_article, encode_article

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

# A worker costs ~0.3 s to start (interpreter + imports) and a file ~0.5 ms to parse: below a
# couple of thousand files the start-up eats the gain (measured on 2 cores).
PARALLEL_MIN = 2000
# Files per task. The parent writes rows as results arrive (library/ingest.py), so the executor's
# feeding thread waits for the GIL (up to the 5 ms switch interval) at every hand-over; ~35 ms
# chunks keep the workers fed through that and still report progress several times a second.
CHUNK = 100
PARENT_CHECK_S = 0.5  # how often a worker looks whether its parent is still there
MAX_WORKERS = 8


def worker_count() -> int:
    env = os.environ.get("NEWSREADER_WORKERS", "")
    if env.isdigit():
        return max(1, int(env))
    try:
        n = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        n = os.cpu_count() or 1
    return min(n, MAX_WORKERS)


def parse_one(f: Path) -> Article | str:
    """One file through the loader: the article, or the one-line reason it was skipped."""
    try:
        return corpus_loader.load_article(f)
    except corpus_loader.ArticleError as e:
        return str(e)
    except (RecursionError, MemoryError) as e:  # as load_corpus: one bad page never ends a load
        return f"could not parse: {type(e).__name__}"


def _parse_chunk(paths: list[str]) -> list[tuple | str]:
    """In a worker: parse each path; encoded article or skip reason, in order."""
    gc.disable()  # short-lived, allocation-heavy, no cycles worth collecting
    out: list[tuple | str] = []
    for p in paths:
        parsed = parse_one(Path(p))
        out.append(parsed if isinstance(parsed, str) else encode_article(parsed))
    return out


Parsed = tuple[int, Article | str, tuple | None]


def parse_many(files: list[Path], cancel: threading.Event | None = None) -> Iterator[Parsed]:
    """(index into files, article or skip reason, encoded article) for each file, in order.

    Stops early when `cancel` is set.
    """
    done = 0
    n = worker_count()
    if len(files) >= PARALLEL_MIN and n > 1:
        try:
            for item in _in_workers(files, n, cancel):
                done = item[0] + 1
                yield item
            return
        except Exception:  # no processes here (sandbox, limits), a crashed worker: go serial
            log.warning("parsing in worker processes failed; going on in-process", exc_info=True)
    for i in range(done, len(files)):
        if cancel is not None and cancel.is_set():
            return
        parsed = parse_one(files[i])
        yield i, parsed, None if isinstance(parsed, str) else encode_article(parsed)


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with /dev/null as its stderr.

    The tracker hands `sys.stderr.fileno()` to its process; inside a Textual app sys.stderr is
    a capture object whose fileno is not a real descriptor, and the pool fails to start ("bad
    value(s) in fds_to_keep"). Swapped for a moment only: the tracker starts once per process.
    """
    from multiprocessing import resource_tracker

    with open(os.devnull, "w") as null:
        saved, sys.stderr = sys.stderr, null
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _init_worker(
    parent: int, setup: Callable[..., None] | None = None, args: tuple[Any, ...] = ()
) -> None:
    """In each worker. Ctrl-C at the terminal reaches the whole process group: the parent
    decides what it means (stop between batches), a worker must not die of it mid-chunk.
    And a parent killed outright (kill -9, a closed terminal) leaves its workers parsing
    chunks nobody will read, for minutes: each exits as soon as its parent is gone.

    `parent` is the parent's pid as the parent gave it: a worker slow to start (a busy
    machine) may begin after its parent died, and would take its new parent for the one to
    watch."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    if setup is not None:
        setup(*args)


def _init_forked_worker(
    parent: int, setup: Callable[..., None] | None = None, args: tuple[Any, ...] = ()
) -> None:
    """`_init_worker` for a forked worker, which starts with a copy of its parent's objects:
    its garbage collector must never finalise those (a database connection closed here would
    be one the parent still uses), so they are frozen out of its reach first."""
    gc.freeze()
    _init_worker(parent, setup, args)


def can_fork() -> bool:
    """Whether worker processes may be forked from this process rather than spawned: only
    on Linux (elsewhere system libraries are not fork-safe) and only while this process runs
    no other thread (a lock held by another thread stays held forever in the child)."""
    return sys.platform == "linux" and threading.active_count() == 1


def worker_pool(
    n: int,
    setup: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
    *,
    fork: bool = False,
) -> ProcessPoolExecutor:
    """`n` spawned worker processes that ignore Ctrl-C and exit when this process dies (the
    parse pool's, the aligner's, the ranker's, the feed fetcher's), with the resource tracker
    started safely first. `setup(*args)` runs once in each worker (what every task there
    shares).

    `fork` (when `can_fork()`): forked instead, which costs no start-up (a spawned worker
    imports its modules again, ~0.5 s of CPU); the workers are all started at once, here."""
    # Imported here: multiprocessing costs import time that a warm open never needs.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if fork and can_fork():
        for stream in (sys.stdout, sys.stderr):  # else the children flush a copy of them
            stream.flush()
        pool = ProcessPoolExecutor(
            max_workers=n,
            mp_context=multiprocessing.get_context("fork"),
            initializer=_init_forked_worker,
            initargs=(os.getpid(), setup, args),
        )
        # Fork now, while this is still the only thread (the executor starts one of its own).
        pool.submit(int)
        return pool
    _start_resource_tracker()
    return ProcessPoolExecutor(
        max_workers=n,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_init_worker,
        initargs=(os.getpid(), setup, args),
    )


def in_order(
    pool: ProcessPoolExecutor,
    task: Callable[[T], R],
    items: Iterable[T],
    *,
    in_flight: int,
    cancel: threading.Event | None = None,
) -> Iterator[R]:
    """`task(item)` for each item, run in the pool with at most `in_flight` queued (workers
    never wait, inputs are not all pickled at once), the results in the items' order. Waiting
    looks at `cancel` several times a second (`Cancelled`). The caller shuts the pool down."""
    from collections import deque

    from newsreader.progress import check

    pending: deque[Future[R]] = deque()
    feed = iter(items)
    while True:
        for item in feed:
            pending.append(pool.submit(task, item))
            if len(pending) >= in_flight:
                break
        if not pending:
            return
        future = pending.popleft()
        while True:
            check(cancel)
            try:
                result = future.result(timeout=0.2)
                break
            except TimeoutError:
                continue
        yield result


def pooled(
    task: Callable[[T], R],
    items: Iterable[T],
    *,
    parallel: bool = True,
    cancel: threading.Event | None = None,
    setup: Callable[..., None] | None = None,
    args: tuple[Any, ...] = (),
    per_worker: int = 2,
    local: Callable[[T], R] | None = None,
) -> Iterator[R]:
    """`task(item)` for each item, in order: in worker processes (`worker_pool`, `in_order`)
    when `parallel` and there is more than one CPU, else here with `local` (default: `task`).
    `setup(*args)` runs once in each worker. A pool that fails (no processes in a sandbox, a
    crashed worker) is logged and the items it had not answered are done here: the same
    results either way. `task` must be a module-level function (workers get it by name)."""
    from collections import deque

    from newsreader.progress import Cancelled, check

    n = worker_count() if parallel else 1
    feed = iter(items)
    unanswered: deque[T] = deque()
    if n > 1:

        def sent() -> Iterator[T]:
            for item in feed:
                unanswered.append(item)
                yield item

        try:
            pool = worker_pool(n, setup, args)
            finished = False
            try:
                for result in in_order(pool, task, sent(), in_flight=per_worker * n, cancel=cancel):
                    unanswered.popleft()
                    yield result
                finished = True
            finally:
                pool.shutdown(wait=finished, cancel_futures=not finished)
            return
        except Exception as e:
            if isinstance(e, Cancelled):
                raise
            log.warning("worker processes failed; going on in-process", exc_info=True)
    here = local or task
    for item in itertools.chain(list(unanswered), feed):
        check(cancel)
        yield here(item)


def _in_workers(files: list[Path], n: int, cancel: threading.Event | None) -> Iterator[Parsed]:
    chunks = [[str(f) for f in files[i : i + CHUNK]] for i in range(0, len(files), CHUNK)]
    pool = worker_pool(n)
    finished = False
    try:
        i = 0
        for results in pool.map(_parse_chunk, chunks):
            for value in results:
                if isinstance(value, str):
                    yield i, value, None
                else:
                    yield i, decode_article(value, files[i]), value
                i += 1
            if cancel is not None and cancel.is_set():
                return
        finished = True
    finally:
        # Done: let the idle workers exit and reap them. Cancelled or failed: do not wait for
        # chunks still being parsed.
        pool.shutdown(wait=finished, cancel_futures=not finished)
