"""Geoparsing evaluation on gold corpora (TR-News/LGL gaztag style, GeoVirus style).

Metrics as in Gritta et al. (2019): accuracy@161 km and mean/median error over the gold
toponyms the parser found and resolved (a predicted span overlapping the gold span), recall of
gold toponyms, and the AUC of the curve of log(1 + error km), normalised so 0 is perfect.
"""

from __future__ import annotations

import math
import os
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

from reportedly.errors import E, ReportedlyError
from reportedly.geodesy import haversine_km

_MAX_KM = 20039.0  # half the Earth's circumference: the largest possible error


@dataclass(frozen=True)
class GoldToponym:
    start: int
    end: int
    text: str
    lat: float
    lon: float


@dataclass(frozen=True)
class GoldArticle:
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True)
class GeoScores:
    """Scores of one run over one gold file."""

    corpus: str
    articles: int
    gold: int
    matched: int
    acc161: float
    recall: float
    auc: float
    mean_km: float
    median_km: float

    def score(self, name: str) -> float:
        """A gated figure by its floors name: ``accuracy_161`` or ``recall``."""
        return {"accuracy_161": self.acc161, "recall": self.recall}[name]

    def table(self) -> str:
        rows = [
            ("corpus", self.corpus),
            ("articles", str(self.articles)),
            ("gold toponyms", str(self.gold)),
            ("found and resolved", str(self.matched)),
            ("accuracy@161km", f"{self.acc161:.3f}"),
            ("recall", f"{self.recall:.3f}"),
            ("AUC (lower is better)", f"{self.auc:.3f}"),
            ("mean error km", f"{self.mean_km:.0f}"),
            ("median error km", f"{self.median_km:.0f}"),
        ]
        width = max(len(r[0]) for r in rows)
        return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def _float(el: ET.Element | None) -> float | None:
    try:
        value = float((el.text or "").strip()) if el is not None else None
    except ValueError:
        return None
    if value is None or not math.isfinite(value):
        return None
    return value


def _int(el: ET.Element | None) -> int | None:
    try:
        return int((el.text or "").strip()) if el is not None else None
    except ValueError:
        return None


def _gold(el: ET.Element, text_tag: str) -> GoldToponym | None:
    """One gold toponym from a TR-News <toponym> or a GeoVirus <location>."""
    start, end = _int(el.find("start")), _int(el.find("end"))
    tag = el.find("gaztag")
    src = tag if tag is not None else el
    lat, lon = _float(src.find("lat")), _float(src.find("lon"))
    if start is None or end is None or lat is None or lon is None:
        return None
    name = el.find(text_tag)
    return GoldToponym(start, end, (name.text or "") if name is not None else "", lat, lon)


def read_gold(path: str) -> Iterator[GoldArticle]:
    """Articles of a gold file in either format."""
    if not os.path.exists(path):
        raise ReportedlyError(E.E101, path=path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise ReportedlyError(E.E102, path=path, reason=str(exc)) from exc
    for art in root.iter("article"):
        text_el = art.find("text")
        if text_el is None:
            continue
        if art.find("toponyms") is not None:
            els, tag = art.find("toponyms").iter("toponym"), "phrase"
        elif art.find("locations") is not None:
            els, tag = art.find("locations").iter("location"), "name"
        else:
            raise ReportedlyError(E.E102, path=path, reason="no <toponyms> or <locations>")
        golds = tuple(g for el in els if (g := _gold(el, tag)) is not None)
        yield GoldArticle(text_el.text or "", golds)


def auc_of(errors_km: list[float]) -> float:
    """Area under the sorted log-error curve, scaled to [0, 1] (0 = every error is 0 km)."""
    if not errors_km:
        return 1.0
    logs = sorted(math.log(1 + e) for e in errors_km)
    if len(logs) == 1:
        return logs[0] / math.log(_MAX_KM)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / ((len(logs) - 1) * math.log(_MAX_KM))


def evaluate_geo(path: str, *, limit: int | None = None, associative: bool = True) -> GeoScores:
    """Run the geoparser over a gold file and score it.

    TR-News and GeoVirus annotate associative toponyms too (demonyms, places inside
    organisation names), so by default the parser is asked for them; ``associative=False``
    scores the literal places that event location uses.
    """
    from reportedly.geo import Geoparser
    from reportedly.nlp import pipe

    articles = list(read_gold(path))[:limit] if limit else list(read_gold(path))
    parser = Geoparser()
    errors: list[float] = []
    gold_total = 0
    for art, doc in zip(articles, pipe(a.text for a in articles), strict=True):
        predicted = [t for t in parser.toponyms(doc, associative=associative) if t.lat is not None]
        gold_total += len(art.toponyms)
        for g in art.toponyms:
            hit = next((p for p in predicted if p.start < g.end and g.start < p.end), None)
            if hit is not None and hit.lat is not None and hit.lon is not None:
                errors.append(haversine_km(g.lat, g.lon, hit.lat, hit.lon))
    return GeoScores(
        corpus=os.path.basename(path),
        articles=len(articles),
        gold=gold_total,
        matched=len(errors),
        acc161=sum(e <= 161 for e in errors) / len(errors) if errors else 0.0,
        recall=len(errors) / gold_total if gold_total else 0.0,
        auc=auc_of(errors),
        mean_km=statistics.fmean(errors) if errors else 0.0,
        median_km=statistics.median(errors) if errors else 0.0,
    )
