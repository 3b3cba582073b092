"""The quality gate: scores on the dev sets must hold the floors recorded for that exact corpus.

Runs only where the gold sets are (``$REPORTEDLY_EVAL`` or ``../shared/eval``) and skips with
the reason otherwise. Raise floors with ``python -m reportedly.evaluate.floors --update``.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from reportedly.evaluate import default_eval_dir, sha256_file
from reportedly.evaluate import floors as fl

pytestmark = pytest.mark.eval

FLOORS_PATH = Path(__file__).with_name("eval_floors.json")
FLOORS = fl.load_floors(FLOORS_PATH)
EVAL_DIR = default_eval_dir()


def gold_file(name: str) -> Path:
    """The dev set's gold file, or a skip that says where it was looked for."""
    path = fl.gold_path(fl.entry(FLOORS, name), eval_dir=EVAL_DIR)
    if not path.is_file():
        pytest.skip(f"{name} dev set not found at {path}: set REPORTEDLY_EVAL to the eval folder")
    return path


@pytest.fixture(scope="module")
def scores_of():
    """Scores per dev set, computed once per module run."""
    cache: dict[str, object] = {}

    def get(name: str):
        gold_file(name)
        if importlib.util.find_spec("reportedly.pipeline") is None:
            pytest.skip("reportedly.pipeline is not written yet: nothing to evaluate")
        if name not in cache:
            cache[name] = fl.run(name, fl.entry(FLOORS, name), eval_dir=EVAL_DIR, progress=True)
        return cache[name]

    return get


@pytest.mark.parametrize("name", sorted(fl.DATASETS))
def test_quality_gate_gold_file_is_the_one_floors_were_set_on(name):
    """Floors belong to a corpus: the gold file's sha256 must match the recorded one."""
    recorded = fl.entry(FLOORS, name)["sha256"]
    actual = sha256_file(gold_file(name))
    assert actual == recorded, (
        f"{name}: the gold file changed (sha256 {actual[:12]}..., floors were set on "
        f"{str(recorded)[:12]}...); re-measure with python -m reportedly.evaluate.floors --update"
    )


@pytest.mark.parametrize("name", sorted(fl.DATASETS))
def test_quality_gate_scores_hold_their_floors(name, scores_of):
    """No field scores more than 0.005 below its recorded floor."""
    scores = scores_of(name)
    record = fl.entry(FLOORS, name)
    print(f"\n== {name}\n{scores.table()}")
    if name == "acled":
        print(scores.confusion_table())
    failures = fl.shortfalls(fl.measured(scores, record), record)
    assert not failures, f"{name} below its floors: " + "; ".join(failures)
