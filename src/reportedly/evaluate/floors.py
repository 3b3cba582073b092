"""Quality floors: per dev set, the corpus hash and the lowest score each field may fall to.

``python -m reportedly.evaluate.floors`` runs the dev sets and checks them against
``tests/eval_floors.json``; ``--update`` raises the floors to a fresh run's scores. A floor is
never lowered unless ``--allow-lower`` is given, so a regression cannot be recorded silently.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import E, ReportedlyError
from .acled import FIELDS as ACLED_FIELDS
from .acled import evaluate_acled
from .common import default_eval_dir, repo_root, sha256_file
from .wikievents import evaluate_wikievents

TOLERANCE = 0.005  # run-to-run noise allowed below a floor before the gate fails
DATASETS: dict[str, dict[str, Any]] = {
    "acled": {"file": "acled/acled-2022-dev.csv", "fields": ACLED_FIELDS},
    "wikievents": {"file": "wikievents/dev.jsonl", "fields": ("recall", "precision", "f1")},
    # the geoparsing corpora: accuracy@161 km and recall of gold toponyms (issue 4's targets)
    "geo-tr-news": {"file": "geo/TR-News.xml", "fields": ("accuracy_161", "recall")},
    "geo-geovirus": {"file": "geo/GeoVirus.xml", "fields": ("accuracy_161", "recall")},
}


def default_floors_path() -> Path:
    """``tests/eval_floors.json`` in the checkout."""
    return (repo_root() or Path.cwd()) / "tests" / "eval_floors.json"


def load_floors(path: str | Path) -> dict[str, Any]:
    """The floors file as a dict; an absent file is an empty record, a broken one E182."""
    p = Path(path)
    if not p.is_file():
        return {}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportedlyError(E.E182, path=str(p), reason=str(exc)) from None
    if not isinstance(data, dict):
        raise ReportedlyError(E.E182, path=str(p), reason="not a JSON object")
    return data


def entry(floors: dict[str, Any], name: str) -> dict[str, Any]:
    """A dataset's record, filled with defaults where the file says nothing."""
    spec = DATASETS[name]
    found = floors.get(name) if isinstance(floors.get(name), dict) else {}
    record: dict[str, Any] = {"file": spec["file"], "sha256": None, **found}
    if name == "acled":
        record.setdefault("published_offset_days", 3)
    record["floors"] = {f: 0.0 for f in spec["fields"]} | dict(found.get("floors") or {})
    return record


def gold_path(record: dict[str, Any], *, eval_dir: Path) -> Path:
    return eval_dir / record["file"]


def run(name: str, record: dict[str, Any], *, eval_dir: Path, pipeline: Any = None, **kw: Any):
    """Evaluate one dev set as its record describes; returns its scores object."""
    path = str(gold_path(record, eval_dir=eval_dir))
    if name.startswith("geo-"):
        from .geo import evaluate_geo  # the geoparser alone: no event pipeline to pass

        return evaluate_geo(path)
    if name == "acled":
        offset = record.get("published_offset_days")
        return evaluate_acled(path, published_offset_days=offset, pipeline=pipeline, **kw)
    return evaluate_wikievents(path, pipeline=pipeline, **kw)


def measured(scores: Any, record: dict[str, Any]) -> dict[str, float]:
    return {f: scores.score(f) for f in record["floors"]}


def shortfalls(
    values: dict[str, float], record: dict[str, Any], *, tolerance: float = TOLERANCE
) -> list[str]:
    """One line per field more than ``tolerance`` below its floor."""
    return [
        f"{field}: {values[field]:.3f} < floor {floor:.3f}"
        for field, floor in record["floors"].items()
        if field in values and values[field] < floor - tolerance
    ]


def raised(
    name: str, record: dict[str, Any], values: dict[str, float], *, allow_lower: bool = False
) -> dict[str, float]:
    """New floors from a run: each rises to its score, and falls only when allowed (else E183)."""
    new = {}
    for field, old in record["floors"].items():
        score = math.floor(values.get(field, 0.0) * 1000) / 1000  # three places, rounded down
        if score < old and not allow_lower:
            raise ReportedlyError(E.E183, name=name, field=field, old=old, new=score)
        new[field] = score if allow_lower else max(old, score)
    return new


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m reportedly.evaluate.floors", description=__doc__)
    ap.add_argument("--update", action="store_true", help="raise floors to this run's scores")
    ap.add_argument("--allow-lower", action="store_true", help="let --update lower floors")
    ap.add_argument("--floors", type=Path, default=None, help="floors file to read and write")
    ap.add_argument("--eval-dir", type=Path, default=None, help="gold sets (default: ../shared)")
    ap.add_argument("--only", choices=sorted(DATASETS), action="append", help="one dev set")
    return ap


def main(argv: Sequence[str] | None = None, *, pipeline: Any = None) -> int:
    """Check (or with ``--update`` raise) the floors; 0 = all held, 1 = a shortfall, 2 = error."""
    args = _parser().parse_args(argv)
    path = args.floors or default_floors_path()
    eval_dir = args.eval_dir or default_eval_dir()
    try:
        return _main(args, path=path, eval_dir=eval_dir, pipeline=pipeline)
    except ReportedlyError as exc:
        print(exc, file=sys.stderr)
        return 2


def _main(args: argparse.Namespace, *, path: Path, eval_dir: Path, pipeline: Any) -> int:
    floors = load_floors(path)
    failed = False
    for name in args.only or DATASETS:
        record = entry(floors, name)
        gold = gold_path(record, eval_dir=eval_dir)
        digest = sha256_file(gold) if gold.is_file() else None
        scores = run(name, record, eval_dir=eval_dir, pipeline=pipeline, progress=True)
        values = measured(scores, record)
        print(f"== {name} ({gold})\n{scores.table()}\n", file=sys.stderr)
        problems = shortfalls(values, record)
        if record["sha256"] and record["sha256"] != digest:
            problems.append("gold file hash differs from the one its floors were measured on")
        if args.update:
            new_floors = raised(name, record, values, allow_lower=args.allow_lower)
            floors[name] = {**record, "sha256": digest, "floors": new_floors}
        else:
            failed |= bool(problems)
            for line in problems:
                print(f"{name}: {line}", file=sys.stderr)
    if args.update:
        path.write_text(json.dumps(floors, indent=2, sort_keys=False) + "\n", encoding="utf-8")
        print(f"floors written to {path}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
