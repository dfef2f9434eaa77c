"""The on-disk corpus cache: same result as uncached loading, invalidated and rebuilt safely."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from newsreader.corpus import load_corpus
from newsreader.corpus import loader as corpus_loader
from newsreader.store import cache, cachefile, parse_pool
from newsreader.store.cache import cache_file_for, load_corpus_cached


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "news"
    d.mkdir()
    (d / "a.txt").write_text(
        "Council approves new budget\n\nThe city council approved the budget on Monday. "
        "It adds two bus lines.\n\nCritics said it was late.\n",
        encoding="utf-8",
    )
    (d / "b.md").write_text(
        "Storm closes schools\r\n\r\nSchools closed on Tuesday after the storm.\r\n", "utf-8"
    )
    (d / "sub").mkdir()
    (d / "sub" / "c.txt").write_bytes("Caf\xe9 owners protest rent rise.\n".encode("latin-1"))
    (d / "empty.txt").write_text("   \n", encoding="utf-8")
    return d


@pytest.fixture
def parse_count(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Record every good file the loader actually parses (skipped files are always retried)."""
    seen: list[Path] = []
    real = corpus_loader.load_article

    def counting(path: Path):
        article = real(path)
        seen.append(path)
        return article

    monkeypatch.setattr(corpus_loader, "load_article", counting)
    return seen


def same(a, b) -> None:
    assert [x.path for x in a.articles] == [x.path for x in b.articles]
    assert a.articles == b.articles
    assert a.skipped == b.skipped


def test_identical_to_uncached_cold_and_warm(folder: Path, seeds_dir: Path) -> None:
    paths = [folder, seeds_dir]
    plain = load_corpus(paths)
    cold = load_corpus_cached(paths)
    warm = load_corpus_cached(paths)
    same(plain, cold)
    same(plain, warm)
    assert [s.reason for s in warm.skipped] == ["empty file"]
    assert [a.text for a in warm.articles] == [a.text for a in plain.articles]


def test_second_load_parses_nothing(folder: Path, parse_count: list[Path]) -> None:
    load_corpus_cached([folder])
    assert len(parse_count) == 3
    parse_count.clear()
    calls: list[tuple[int, int]] = []
    load_corpus_cached([folder], progress=lambda d, t: calls.append((d, t)))
    assert parse_count == []
    assert calls[0] == (0, 4)
    assert calls[-1] == (4, 4)


def test_modified_file_is_parsed_again(folder: Path, parse_count: list[Path]) -> None:
    load_corpus_cached([folder])
    parse_count.clear()
    target = folder / "a.txt"
    st = target.stat()
    target.write_text("Council delays budget\n\nThe vote moved to June.\n", encoding="utf-8")
    # Same second, different size: the key still changes.
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))
    corpus = load_corpus_cached([folder])
    assert [p.name for p in parse_count] == ["a.txt"]
    texts = {a.path.name: a.text for a in corpus.articles}
    assert texts["a.txt"].startswith("Council delays budget")
    same(corpus, load_corpus([folder]))


def test_touched_file_same_size_is_parsed_again(folder: Path, parse_count: list[Path]) -> None:
    load_corpus_cached([folder])
    parse_count.clear()
    target = folder / "b.md"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    load_corpus_cached([folder])
    assert [p.name for p in parse_count] == ["b.md"]


def test_added_and_removed_files(folder: Path) -> None:
    load_corpus_cached([folder])
    (folder / "b.md").unlink()
    (folder / "d.txt").write_text("New story here.\n", encoding="utf-8")
    same(load_corpus_cached([folder]), load_corpus([folder]))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # truncated
        lambda data: b"",  # empty
        lambda data: b"garbage" * 10,  # not ours
        lambda data: data[:40] + bytes([data[40] ^ 0xFF]) + data[41:],  # one flipped byte
    ],
)
def test_corrupt_cache_is_rebuilt(folder: Path, parse_count: list[Path], damage) -> None:
    expected = load_corpus_cached([folder])
    file = cache_file_for([folder])
    file.write_bytes(damage(file.read_bytes()))
    parse_count.clear()
    again = load_corpus_cached([folder])
    same(expected, again)
    assert len(parse_count) == 3
    parse_count.clear()
    load_corpus_cached([folder])
    assert parse_count == [], "the rebuilt cache is good again"


def test_version_bump_invalidates(
    folder: Path, parse_count: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus_cached([folder])
    monkeypatch.setattr(cachefile, "FORMAT_VERSION", cachefile.FORMAT_VERSION + 1)
    parse_count.clear()
    load_corpus_cached([folder])
    assert len(parse_count) == 3


def test_loader_change_invalidates(
    folder: Path, parse_count: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_corpus_cached([folder])
    monkeypatch.setattr(cachefile, "_FINGERPRINT", "another-loader")
    parse_count.clear()
    load_corpus_cached([folder])
    assert len(parse_count) == 3


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_cache_dir_does_not_crash(folder: Path, tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        corpus = load_corpus_cached([folder], cache_dir=ro)
        same(corpus, load_corpus([folder]))
        assert list(ro.iterdir()) == []
    finally:
        ro.chmod(stat.S_IRWXU)


def test_unwritable_cache_location_does_not_crash(folder: Path, tmp_path: Path) -> None:
    # Works as root too: the cache "dir" is a regular file, so nothing can be created in it.
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x", encoding="utf-8")
    corpus = load_corpus_cached([folder], cache_dir=blocker)
    same(corpus, load_corpus([folder]))


def test_cache_lives_in_cache_dir(folder: Path, isolated_home: Path) -> None:
    load_corpus_cached([folder])
    file = cache_file_for([folder])
    assert file.is_file()
    assert file.parent == isolated_home / "cache"
    assert not [p for p in folder.rglob("*") if p.suffix in {".nrc", ".tmp"}]
    assert cache_file_for([str(folder) + "/"]) == file


def test_cancel_returns_partial_and_writes_nothing(folder: Path) -> None:
    ev = threading.Event()
    ev.set()
    corpus = load_corpus_cached([folder], cancel=ev)
    assert corpus.articles == []
    assert not cache_file_for([folder]).exists()


def test_skipped_file_is_retried(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A transient failure (say, permission denied, fixed by chmod: size and mtime unchanged)
    # must not be remembered.
    real = corpus_loader.load_article

    def flaky(path: Path):
        if path.name == "a.txt":
            raise corpus_loader.ArticleError("permission denied")
        return real(path)

    monkeypatch.setattr(corpus_loader, "load_article", flaky)
    first = load_corpus_cached([folder])
    assert "permission denied" in {s.reason for s in first.skipped}
    monkeypatch.setattr(corpus_loader, "load_article", real)
    again = load_corpus_cached([folder])
    assert "a.txt" in {a.path.name for a in again.articles}
    same(again, load_corpus([folder]))


def test_corpus_pass_runs_on_cached_articles(tmp_path: Path) -> None:
    # A short line repeated across articles is site furniture only while enough articles share
    # it: the cache must hold per-file results, not the corpus pass's flags.
    d = tmp_path / "site"
    d.mkdir()
    for i, topic in enumerate(["rail strike", "harbour fire", "school budget", "flood defences"]):
        (d / f"{i}.txt").write_text(
            f"News about the {topic}\n\nThe {topic} story continues with details for "
            f"readers in the region, officials said on day {i}.\n\nRead more at Example Post\n",
            encoding="utf-8",
        )
    cold = load_corpus_cached([d])
    same(cold, load_corpus([d]))
    assert all(a.paragraphs[-1].boilerplate for a in cold.articles)
    same(load_corpus_cached([d]), load_corpus([d]))
    for i in (1, 2, 3):
        (d / f"{i}.txt").unlink()
    alone = load_corpus_cached([d])
    same(alone, load_corpus([d]))
    assert not alone.articles[0].paragraphs[-1].boilerplate


def test_unchanged_corpus_reuses_the_saved_pass_result(
    folder: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [folder, seeds_dir]
    expected = load_corpus(paths)
    load_corpus_cached(paths)
    seen: list[int] = []
    real = corpus_loader.flag_repeated_lines

    def counting(articles, *args, **kwargs):
        seen.append(len(articles))
        return real(articles, *args, **kwargs)

    monkeypatch.setattr(corpus_loader, "flag_repeated_lines", counting)
    same(load_corpus_cached(paths), expected)
    assert not any(seen), "nothing changed: the corpus pass is not run over the articles again"
    (folder / "a.txt").write_text("A different story now.\n", encoding="utf-8")
    same(load_corpus_cached(paths), load_corpus(paths))
    assert seen[-1] > 0, "a file changed: the corpus pass runs again"


def test_damaged_saved_pass_result_falls_back(folder: Path) -> None:
    expected = load_corpus_cached([folder])
    file = cache_file_for([folder])
    entries, (order, _patched) = cachefile.read_cache(file)
    assert order
    cachefile.write_cache(file, entries, (order, {order[0]: ("not", "an", "article")}))
    same(load_corpus_cached([folder]), expected)


def test_worker_processes_give_the_same_corpus(
    folder: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parse_pool, "CHUNK", 2)
    monkeypatch.setattr(parse_pool, "worker_count", lambda: 2)
    used: list[int] = []
    real = parse_pool._in_workers

    def spy(files, n, cancel):
        used.append(len(files))
        yield from real(files, n, cancel)

    monkeypatch.setattr(parse_pool, "_in_workers", spy)
    paths = [folder, seeds_dir]
    same(load_corpus_cached(paths), load_corpus(paths))
    assert used, "the pool was used"
    same(load_corpus_cached(paths), load_corpus(paths))


def test_failing_pool_falls_back_in_process(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parse_pool, "worker_count", lambda: 2)

    def broken(files, n, cancel):
        yield 0, parse_pool.parse_one(files[0]), None
        raise OSError("no processes allowed here")

    monkeypatch.setattr(parse_pool, "_in_workers", broken)
    same(load_corpus_cached([folder]), load_corpus([folder]))


def test_workers_env_turns_the_pool_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSREADER_WORKERS", "1")
    assert parse_pool.worker_count() == 1


def test_cancel_while_workers_parse(
    folder: Path, seeds_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_pool, "PARALLEL_MIN", 1)
    monkeypatch.setattr(parse_pool, "CHUNK", 1)
    monkeypatch.setattr(parse_pool, "worker_count", lambda: 2)
    monkeypatch.setattr(cache, "PROGRESS_INTERVAL_S", 0.0)
    ev = threading.Event()
    corpus = load_corpus_cached(
        [folder, seeds_dir], cancel=ev, progress=lambda d, t: d >= 2 and ev.set()
    )
    total = len(corpus_loader.iter_files([folder, seeds_dir], []))
    assert 0 < len(corpus.articles) + len(corpus.skipped) < total
    assert not cache_file_for([folder, seeds_dir]).exists()


def test_concurrent_writers_never_leave_a_broken_file(folder: Path) -> None:
    load_corpus_cached([folder])
    file = cache_file_for([folder])
    entries, final = cachefile.read_cache(file)
    assert entries
    stop = threading.Event()
    seen_bad: list[int] = []

    def writer() -> None:
        while not stop.is_set():
            cachefile.write_cache(file, entries, final)

    def reader() -> None:
        for _ in range(200):
            got, _ = cachefile.read_cache(file)
            if got != entries:
                seen_bad.append(1)

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    reader()
    stop.set()
    for t in threads:
        t.join()
    assert seen_bad == []
    assert not list(file.parent.glob("*.tmp")), "no temp files left behind"


def test_prune_keeps_the_most_recently_used(tmp_path: Path) -> None:
    for i in range(5):
        f = tmp_path / f"corpus-{i}.nrc"
        f.write_bytes(b"x")
        os.utime(f, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "corpus-9.nrc.abc.tmp").write_bytes(b"half")
    os.utime(tmp_path / "corpus-9.nrc.abc.tmp", (1, 1))
    (tmp_path / "unrelated.txt").write_text("keep me", encoding="utf-8")
    cache.prune(tmp_path, keep=2)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "corpus-3.nrc",
        "corpus-4.nrc",
        "unrelated.txt",
    ]


def test_pool_starts_under_a_captured_stderr(folder: Path, seeds_dir: Path) -> None:
    # Textual replaces sys.stderr with an object without a real file descriptor; the pool must
    # still start there (in a fresh process: the resource tracker starts once per process).
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from newsreader.store import parse_pool\n"
        "class Capture:\n"
        "    def write(self, s): return len(s)\n"
        "    def flush(self): pass\n"
        "    def fileno(self): return -1\n"
        f"files = sorted(p for p in Path({str(seeds_dir)!r}).iterdir() if p.is_file())\n"
        "sys.stderr = Capture()\n"
        "out = list(parse_pool._in_workers(files, 2, None))\n"
        "sys.stdout.write(str(len(out)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=True
    )
    assert int(done.stdout) == len([p for p in seeds_dir.iterdir() if p.is_file()])
