"""The parser fingerprint: what the library stores per row so that a changed parser re-parses."""

from __future__ import annotations

import contextlib
import sys
from importlib import metadata
from pathlib import Path

import pytest

from newsreader.store import codec


def test_installed_versions_are_those_importlib_metadata_reports() -> None:
    expected = {}
    for name in codec._PARSING_LIBRARIES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            expected[name] = metadata.version(name)
    assert expected  # the test environment has the parsing libraries
    assert codec.installed_versions(codec._PARSING_LIBRARIES) == expected


def test_only_package_folders_are_scanned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A folder of articles on sys.path (the current directory) is never listed.
    (tmp_path / "trafilatura-0.0.1.dist-info").mkdir()
    site = tmp_path / "lib" / "site-packages"
    (site / "Charset_Normalizer-9.9.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(tmp_path), str(site)])
    assert codec.installed_versions(["trafilatura", "charset-normalizer"]) == {
        "charset-normalizer": "9.9"
    }


def test_a_new_version_of_a_parsing_library_changes_the_fingerprint(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = codec._source_fingerprint()
    real = codec.installed_versions

    def upgraded(names):  # type: ignore[no-untyped-def]
        return {**real(names), "trafilatura": "99.0"}

    monkeypatch.setattr(codec, "installed_versions", upgraded)
    assert codec._source_fingerprint() != before
