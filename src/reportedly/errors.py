"""The error catalogue: stable codes, messages that say what to do.

A user's mistake is raised as ``ReportedlyError`` and shown by the CLI as one line,
never as a traceback.
"""

from __future__ import annotations

from enum import StrEnum


class E(StrEnum):
    E001 = "{path}: file not found. Check the path and try again."
    E002 = "{path}: the file is empty. Give a report with some text."
    E003 = "{path}: looks like a binary file, not text. Give a plain-text or JSONL report."
    E004 = "{path}: not valid UTF-8 text. Re-encode it as UTF-8 (e.g. iconv -t UTF-8)."
    E005 = (
        "{path}: {size_mb:.1f} MB is over the limit of {limit_mb} MB for one document. "
        "Split it, or raise REPORTEDLY_MAX_DOC_MB."
    )
    E006 = (
        "{path}: the text seems to be in another language ({hint}); "
        "reportedly reads English reports only for now."
    )
    E007 = "{path}:{line}: not a JSON object ({reason}). Each line must be one JSON object."
    E008 = '{path}:{line}: no "text" field. Each line needs {{"id", "text", ...}}.'
    E009 = "{value!r} is not a date. Use YYYY-MM-DD, e.g. --published 2021-02-11."
    E010 = "{path}: cannot read this file ({reason})."
    E011 = "{path}: not a gold file this harness knows ({reason})."
    E012 = "{path}: evaluation data not found. Point to ../shared/eval/... or pass a path."
    E013 = "{path}: cannot open the database ({reason}). Nothing was changed."
    E014 = "unknown format {value!r}; choose one of: {choices}."
    E100 = "places lexicon entry {entry!r}: {reason}. Fix lexicons/places.yaml."
    E101 = "{path}: geoparsing gold data not found. Point to ../shared/eval/geo/... or pass a path."
    E102 = "{path}: not a geoparsing gold file this harness knows ({reason})."

    # evaluation harness (E180-E199)
    E180 = (
        "{path}: evaluation data not found. Set REPORTEDLY_EVAL to the eval folder "
        "or pass the path of a dev set, e.g. ../shared/eval/acled/acled-2022-dev.csv."
    )
    E181 = "{path}: not a {kind} gold file ({reason}). See the formats in shared/eval/README.md."
    E182 = "{path}: cannot read the floors file ({reason}). Fix the JSON or delete the file."
    E183 = (
        "{name}.{field}: the floor would drop from {old:.3f} to {new:.3f}. Floors are never "
        "lowered silently: pass --allow-lower if the drop is intended."
    )

    # store, exports and command-line values (E200-E219)
    E200 = (
        "{value!r} is not a bounding box ({reason}). Give W,S,E,N in degrees with W <= E and "
        "S <= N, e.g. --bbox 40.5,34.0,41.5,35.0."
    )
    E201 = (
        "{value!r} is not a resolution policy ({reason}). Give NAME=VALUE, e.g. "
        "--policy contested_perpetrator=most_sources; choices: {choices}."
    )
    E202 = (
        "--format {fmt} writes a binary file, not text: give --out FILE "
        "(e.g. --out events.parquet)."
    )
    E203 = "{path}: cannot write the output ({reason})."

    # PostgreSQL, review and the team server (E210-E229)
    E210 = (
        "cannot connect to PostgreSQL at {url} ({reason}). Start the server (see .ci/run) or "
        "fix --database-url / REPORTEDLY_DATABASE_URL."
    )
    E211 = (
        "{url!r} is not a PostgreSQL URL ({reason}). Give postgresql://USER@HOST:PORT/DATABASE."
    )
    E212 = "cannot correct {field!r}: {reason}. Correctable fields: {choices}."
    E213 = "{verdict!r} is not a review verdict; give one of: {choices}."
    E214 = "cannot {action} event {event_id!r}: {reason}."
    E215 = (
        "--workers {workers} needs a PostgreSQL database (--database-url postgresql://...): "
        "a DuckDB file has one writer process. Use --workers 1 with --db."
    )

    # ingest at scale: watching feeds, worker processes (E230-E239)
    E230 = (
        "{value!r} is not an interval. Give a number with a unit, e.g. --every 15m "
        "(s, m, h or d; at least {minimum:g} s)."
    )
    E231 = "{value!r} is not a number of processes. Give a whole number of at least 1."


class ReportedlyError(Exception):
    """An error the user can fix; ``str()`` is a single line starting with its code."""

    def __init__(self, code: E, **kwargs: object) -> None:
        self.code = code.name
        self.message = code.value.format(**kwargs)
        super().__init__(f"[{self.code}] {self.message}")
