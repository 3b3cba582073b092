"""Offline geoparsing: gazetteer, toponym recognition and resolution, event location.

``Gazetteer.load()`` opens the on-disk index (built once from GeoNames data in PyPI packages);
``Geoparser`` finds and resolves place names in a spaCy ``Doc`` and locates events in it.
"""

from __future__ import annotations

from typing import Any

from spacy.tokens import Doc

from reportedly.geo.gazetteer import Candidate, Country, Gazetteer
from reportedly.geo.locate import country_location as _country_location
from reportedly.geo.locate import locate as _locate
from reportedly.geo.parser import Geoparser as _Parser
from reportedly.geo.places import ruler_patterns as _curated_patterns
from reportedly.records import Location, Toponym

__all__ = ["Candidate", "Country", "Gazetteer", "Geoparser", "ruler_patterns"]


class Geoparser(_Parser):
    """Find and resolve place names, and locate events, in parsed documents."""

    def locate(
        self, doc: Doc, toponyms: list[Toponym], *, start: int, end: int,
        home_country: str | None = None,
    ) -> Location | None:
        """Location of the event whose trigger sentence spans ``[start, end)`` of ``doc.text``.

        ``home_country`` (ISO2: the outlet's country) is the last resort when the text names
        no place the gazetteer knows: the event is coded to that country's capital at
        country level (ACLED geo_precision 3), as a local outlet reports mostly at home.
        """
        found = _locate(self.gaz, doc, toponyms, start=start, end=end)
        if found is None and home_country:
            found = _country_location(self.gaz, home_country)
        return found


def ruler_patterns() -> list[dict[str, Any]]:
    """spaCy EntityRuler patterns (GPE/LOC) for the curated places only."""
    return _curated_patterns()
