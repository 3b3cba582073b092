"""reportedly: conflict news reports to structured, geocoded, dated event data."""

from reportedly.records import (
    Claim,
    Document,
    Event,
    Evidence,
    Extraction,
    Fatalities,
    Location,
    Source,
    Toponym,
)

__version__ = "0.1.0"

__all__ = [
    "Claim",
    "Document",
    "Event",
    "Evidence",
    "Extraction",
    "Fatalities",
    "Location",
    "Source",
    "Toponym",
    "__version__",
]
