"""Distances on the Earth: one haversine for every stage and harness, one check of a point."""

from __future__ import annotations

import math
from typing import Any

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius, the usual choice for haversine scoring


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def point(lat: Any, lon: Any) -> tuple[float, float] | None:
    """(lat, lon) as floats when both are finite numbers on the globe, else None."""
    try:
        la, lo = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(la) and math.isfinite(lo)) or abs(la) > 90 or abs(lo) > 180:
        return None
    return la, lo
