"""Wire datelines: "KAMPALA, Aug 13 (Meridian Wire) - ".

A dateline names where the reporter filed from and when, not where or when the event
happened; the pipeline keeps its places and dates out of event arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATELINE = re.compile(
    r"""^\s*
    (?P<place>[A-Z][A-Z.'\-]+(?:\s+[A-Z][A-Z.'\-]+)*)          # KAMPALA, NEW DELHI
    # , Democratic Republic of Congo
    (?:,\s*(?P<region>[A-Z][\w.'\-]*(?:\s+(?:of\s+)?[A-Z][\w.'\-]*)*))?
    # Aug 13 / 13 August
    (?:,?\s+(?P<date>[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?
    \s*(?:\((?P<outlet>[^)]{2,60})\))?                          # (Meridian Wire)
    \s*[-\u2013\u2014]{1,2}\s+""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Dateline:
    end: int
    place: str
    region: str | None
    date: str | None
    outlet: str | None


def find_dateline(text: str) -> Dateline | None:
    """The dateline at the start of a report, if it has one."""
    m = _DATELINE.match(text[:200])
    if not m or len(m.group("place")) < 3:
        return None
    return Dateline(
        m.end(), m.group("place"), m.group("region"), m.group("date"), m.group("outlet")
    )
