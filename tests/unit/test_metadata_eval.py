"""The metadata benchmark on a slice of the committed Reuters-21578 sample: real wire stories,
laid out as archives hold them, must keep their dates, bylines and headlines, and nothing may
be invented. (The full numbers come from `benchmarks/metadata_eval.py`.)"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import metadata_eval
    finally:
        sys.path.remove(str(BENCHMARKS))
    stories = metadata_eval.read_stories([metadata_eval.SAMPLE])[:60]
    return metadata_eval.evaluate_reuters(stories, tmp_path_factory.mktemp("reuters"))


@pytest.mark.parametrize("layout", ["tape", "pa", "us", "plain"])
def test_reuters_layouts_keep_their_metadata(scores: dict, layout: str) -> None:
    for field, row in scores[layout].items():
        assert row["invented"] == 0, (layout, field, row["examples"])
        if row["gold"]:
            assert row["right"] / row["gold"] >= 0.95, (layout, field, row)
