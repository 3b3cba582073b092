"""Settings, declared once: name, default, environment variable and help.

The same table gives defaults, CLI validation and the README's settings section.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    env: str
    help: str
    type: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("db", "reportedly.duckdb", "REPORTEDLY_DB", "DuckDB file the events are stored in."),
    Setting("database_url", "", "REPORTEDLY_DATABASE_URL",
            "PostgreSQL database of the store, `postgresql://USER@HOST:PORT/DATABASE` (empty: the "
            "DuckDB file `db`); `reportedly serve` with several workers needs one."),
    Setting("cache_dir", str(Path.home() / ".cache" / "reportedly"), "REPORTEDLY_CACHE",
            "Where the gazetteer index is built (once) and kept, and the lexicons as read "
            "(one file each, named by a hash of the lexicon's bytes)."),
    Setting("max_doc_mb", 20, "REPORTEDLY_MAX_DOC_MB",
            "Largest document accepted, in MB; larger inputs get a clear error.", int),
    Setting("eval_dir", "../shared/eval", "REPORTEDLY_EVAL",
            "Folder of the evaluation gold sets (never part of the package)."),
    Setting("batch_size", 32, "REPORTEDLY_BATCH_SIZE", "Documents per spaCy batch.", int),
    Setting("fusion_window_days", 3, "REPORTEDLY_FUSION_WINDOW_DAYS",
            "Days either side of an event's date within which a new report may join it.", int),
    Setting("fetch_timeout_s", 30, "REPORTEDLY_FETCH_TIMEOUT_S",
            "Seconds to wait for a feed or page at a URL before it is logged as timed out.", int),
    Setting("api_keys", "", "REPORTEDLY_API_KEYS",
            "API keys of `reportedly serve`, named: `alice:KEY,bob:KEY2`; `carol:KEY3:read` is "
            "read-only. Kept hashed in memory; write endpoints need a key with write rights."),
    Setting("api_keyed_reads", 0, "REPORTEDLY_API_KEYED_READS",
            "1: the read endpoints of `reportedly serve` need an API key too (0: open).", int),
    Setting("api_max_request_kb", 2048, "REPORTEDLY_API_MAX_REQUEST_KB",
            "Largest request body `reportedly serve` accepts, in KB (larger: 413).", int),
    Setting("api_cors_origins", "", "REPORTEDLY_API_CORS_ORIGINS",
            "Origins allowed to call the API from a browser, comma-separated (empty: CORS off)."),
    Setting("tile_url", "", "REPORTEDLY_TILE_URL",
            "Map tiles for the web page of `reportedly serve`, a Leaflet URL template "
            "(`https://tiles.example/{z}/{x}/{y}.png`); empty: country boundaries only, offline."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def docs_table() -> str:
    """The README's settings table, in Markdown, generated from SETTINGS."""
    home = str(Path.home())
    rows = ["| setting | environment variable | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = str(s.default).replace(home, "~", 1)
        rows.append(f"| `{s.name}` | `{s.env}` | `{default}` | {s.help} |")
    return "\n".join(rows)


def setting(name: str) -> Any:
    """The value of a setting: its environment variable when set, else its default."""
    s = _BY_NAME[name]
    raw = os.environ.get(s.env)
    if raw in (None, ""):
        return s.default
    try:
        return s.type(raw)
    except ValueError:
        return s.default
