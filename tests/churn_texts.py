"""A hand-made press release, coverage that copies two of its paragraphs, and an unrelated
article: shared by the churn tests (library, CLI, reader)."""

from __future__ import annotations

RELEASE = (
    "Harbour Lights Ltd opens tidal power plant in Northport\n\n"
    "NORTHPORT, March 5, 2024 /PRNewswire/ -- Harbour Lights Ltd today opened the first "
    "commercial tidal power plant on the northern coast, a 40 megawatt station that will supply "
    "electricity to thirty thousand homes across the county.\n\n"
    "The plant uses twelve underwater turbines anchored to the seabed at the mouth of the "
    "estuary, where the tide runs faster than anywhere else along the coast.\n\n"
    '"This is a proud day for Northport and for clean energy," said Mira Olsen, chief '
    'executive of Harbour Lights. "The sea gives us power twice a day, every day."\n\n'
    "Construction took three years and employed four hundred local workers. The company "
    "plans a second station further south by the end of the decade.\n\n"
    "About Harbour Lights Ltd\n\n"
    "Harbour Lights Ltd builds and runs tidal power stations in northern Europe.\n"
)

COVERAGE = (
    "Tide turns for Northport as power plant opens\n\n"
    "By Jo Reyes\n\n"
    "Harbour Lights Ltd today opened the first commercial tidal power plant on the northern "
    "coast, a 40 megawatt station that will supply electricity to thirty thousand homes across "
    "the county.\n\n"
    "The plant uses twelve underwater turbines anchored to the seabed at the mouth of the "
    "estuary, where the tide runs faster than anywhere else along the coast.\n\n"
    "Fishermen in the harbour said they had not been asked about the turbines and feared for "
    "the autumn herring season, which brings most of their income.\n"
)

UNRELATED = (
    "Library extends weekend opening hours\n\n"
    "The town library will open on Sundays from next month, the council said on Tuesday, after "
    "a petition signed by more than two thousand residents asked for longer hours.\n\n"
    "Staff will rotate so that no one works more than two weekends a month.\n"
)
