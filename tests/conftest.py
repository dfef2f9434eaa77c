"""Shared fixtures: every test runs with its own NEWSREADER_HOME, never the user's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The test command runs the property tests on a fixed seed: whether a change lands must not
# depend on the dice. Hunting for new counterexamples is done on purpose, with fresh randomness
# and more examples: HYPOTHESIS_PROFILE=random.
settings.register_profile("fixed", derandomize=True, print_blob=True)
settings.register_profile("random", print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("NEWSREADER_HOME", str(home))
    return home


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
