"""A small corpus for the batch engine's tests: the seeds, stories copied and rewritten across
dated outlets, exact duplicates (three copies of one text), look-alike short notices, and
articles of their own. Deterministic (one seeded Random)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

STORIES = {
    "flood": [
        "Heavy rain caused rivers to burst their banks across the northern province.",
        "Residents were forced to leave their homes as water rose overnight.",
        "Emergency crews used boats to rescue families trapped on rooftops.",
        "The regional governor declared a state of emergency on Tuesday.",
        "Forecasters warned that more storms were expected later in the week.",
        "Schools in three districts were closed and used as shelters.",
    ],
    "rates": [
        "The central bank raised interest rates by a quarter point on Thursday.",
        "Policymakers cited stubborn inflation in services and a tight labour market.",
        "Analysts expect one more increase before the end of the year.",
        "Mortgage lenders said they would pass the higher costs to borrowers.",
        "The currency strengthened against the dollar after the announcement.",
        "Two members of the committee voted to keep rates unchanged.",
    ],
    "mine": [
        "Rescuers reached twelve miners trapped underground after a tunnel collapsed.",
        "The mining company said ventilation shafts had kept the air breathable.",
        "Relatives gathered at the pit entrance through the cold night.",
        "Inspectors had flagged cracks in the tunnel supports last spring.",
        "The labour ministry opened an inquiry into safety at the site.",
        "Union leaders called for a national review of mine inspections.",
    ],
    "harvest": [
        "Farmers reported the smallest wheat harvest in a decade after the drought.",
        "Grain prices climbed to their highest level since the spring.",
        "The agriculture ministry promised emergency credit for growers.",
        "Bakers warned that bread prices would rise before the winter.",
        "Exporters said contracts with foreign buyers might be delayed.",
        "Irrigation reservoirs were at a third of their usual level.",
    ],
}
WORDS = [
    *("council", "museum", "bridge", "violin", "orchard", "lantern", "harbour", "festival"),
    *("quarry", "novel", "ferry", "garden", "tower", "choir", "market", "cathedral", "meadow"),
    *("painter", "stadium", "bakery", "glacier", "canal", "theatre", "island", "pottery"),
    *("archive", "lighthouse", "vineyard", "tram", "library"),
]
OUTLETS = ["Metro Wire", "Valley Gazette", "Coastal Herald", "City Chronicle"]


def _own(rng: random.Random) -> str:
    return f"The {' '.join(rng.sample(WORDS, 8))} stayed open."


def _render(title: str, sentences: list[str], outlet: str, day: int) -> str:
    date = f"2024-03-{day:02d}"
    return f"{title}\n\nBy Staff Reporter\n{outlet} - {date}\n\n" + "\n\n".join(sentences) + "\n"


def build(folder: Path) -> list[Path]:
    """Write the corpus into `folder`; returns the files."""
    rng = random.Random(15)
    folder.mkdir(parents=True, exist_ok=True)
    texts: list[str] = []
    for topic, pool in STORIES.items():
        for version in range(5):
            take = sorted(rng.sample(range(len(pool)), rng.randint(1, len(pool))))
            sentences = [pool[i] for i in take]
            for _ in range(version % 3):
                sentences.insert(rng.randrange(len(sentences) + 1), _own(rng))
            if version == 4:  # a rewrite: the words reordered inside each sentence
                sentences = [" ".join(reversed(s.rstrip(".").split())) + "." for s in sentences]
            title = f"{topic.title()} report {version}"
            texts.append(_render(title, sentences, rng.choice(OUTLETS), rng.randint(1, 28)))
    source = texts[0]
    texts += [source, source]  # three copies of one text, the same date
    for n in range(4):  # short look-alike notices: every score near the others
        texts.append(f"Notice {n}\n\nThe harbour ferry timetable changes on Monday {n}.\n")
    for _ in range(6):
        texts.append(_render("Own", [_own(rng) for _ in range(4)], rng.choice(OUTLETS), 9))
    paths = []
    for n, text in enumerate(texts):
        p = folder / f"art{n:02d}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    for seed in sorted(SEEDS.glob("*.txt")):
        target = folder / seed.name
        shutil.copyfile(seed, target)
        paths.append(target)
        # A seed copied by another outlet with its first paragraphs and a line of its own.
        paras = seed.read_text(encoding="utf-8").split("\n\n")
        copy = folder / f"copy-{seed.name}"
        copy.write_text("\n\n".join([*paras[: max(2, len(paras) // 2)], _own(rng)]) + "\n")
        paths.append(copy)
    return paths
