"""The evaluation harness scores what a pipeline returns; here on tiny gold files we write."""

from __future__ import annotations

import csv
import json
import math
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportedly.errors import ReportedlyError
from reportedly.evaluate import default_eval_dir, evaluate_acled, evaluate_wikievents
from reportedly.evaluate import floors as fl
from reportedly.evaluate.acled import GoldRow, predicted_values
from reportedly.evaluate.common import Progress, format_table, most_common
from reportedly.evaluate.wikievents import parse_document
from reportedly.geodesy import haversine_km
from reportedly.records import Event, Extraction

ACLED_COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
).split(",")

# Three invented rows: two protests in one town, one clash elsewhere.
GOLD = [
    dict(
        event_id_cnty="XX1",
        event_date="2022-05-02",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1="Protesters (Testland)",
        actor2="",
        country="Testland",
        admin1="North",
        latitude="10.0",
        longitude="20.0",
        geo_precision="1",
        source="Daily Test",
        notes="On 2 May 2022, residents marched in Alpha over fuel prices.",
        fatalities="0",
    ),
    dict(
        event_id_cnty="XX2",
        event_date="2022-05-02",
        event_type="Protests",
        sub_event_type="Peaceful protest",
        actor1="Protesters (Testland)",
        actor2="",
        country="Testland",
        admin1="North",
        latitude="10.0",
        longitude="20.0",
        geo_precision="1",
        source="Test Wire",
        notes="On 2 May 2022, teachers rallied in Alpha for unpaid wages.",
        fatalities="0",
    ),
    dict(
        event_id_cnty="XX3",
        event_date="2022-05-09",
        event_type="Battles",
        sub_event_type="Armed clash",
        actor1="Military Forces of Testland (2020-)",
        actor2="Red Brigade",
        country="Testland",
        admin1="South",
        latitude="11.0",
        longitude="21.0",
        geo_precision="2",
        source="Test Wire",
        notes="On 9 May 2022, soldiers clashed with the Red Brigade near Beta. 4 killed.",
        fatalities="4",
    ),
]


def write_acled(tmp_path, rows=GOLD, columns=ACLED_COLUMNS):
    path = tmp_path / "acled.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, restval="", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return str(path)


def event(**kw) -> Event:
    base = {
        "event_id": "ev",
        "role": "main",
        "event_type": "Protests",
        "sub_event_type": "Peaceful protest",
        "disorder_type": "Demonstrations",
        "plover": {"event": "PROTEST"},
        "event_date": "2022-05-02",
        "actor1": "Protesters (Testland)",
        "actor2": None,
        "location": {
            "name": "Alpha",
            "lat": 10.0,
            "lon": 20.0,
            "country": "Testland",
            "admin1": "North",
            "geo_precision": 1,
        },
        "fatalities": {"acled": 0},
        "grade": "weak",
    }
    return Event.from_dict(base | kw)


class FakePipeline:
    """Answers each document with the events ``answer(doc)`` gives, and remembers the inputs."""

    def __init__(self, answer, *, error_ids=()):
        self.answer, self.error_ids, self.seen = answer, set(error_ids), []

    def pipe(self, documents, *, batch_size=32):
        for doc in documents:
            self.seen.append(doc)
            if doc.id in self.error_ids:
                yield Extraction(id=doc.id, error="boom")
            else:
                yield Extraction(id=doc.id, events=tuple(self.answer(doc)))


def by_id(mapping):
    return FakePipeline(lambda doc: mapping.get(doc.id, []))


PERFECT = {
    "XX1": [event()],
    "XX2": [event()],
    "XX3": [
        event(
            event_type="Battles",
            sub_event_type="Armed clash",
            event_date="2022-05-09",
            actor1="Military Forces of Testland (2020-)",
            actor2="Red Brigade",
            location={
                "lat": 11.0,
                "lon": 21.0,
                "country": "testland",
                "admin1": "South",
                "geo_precision": 2,
                "name": "Beta",
            },
            fatalities={"acled": 4},
        )
    ],
}


def test_acled_perfect_predictions_score_one_everywhere(tmp_path):
    """A pipeline that returns the gold values gets every field of every row right."""
    scores = evaluate_acled(write_acled(tmp_path), pipeline=by_id(PERFECT), progress=False)
    assert scores.n == 3 and scores.predicted == 3
    assert {name: s.score for name, s in scores.fields.items()} == dict.fromkeys(scores.fields, 1.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event_type": "Riots"}, "event_type"),
        ({"sub_event_type": "Mob violence"}, "sub_event_type"),
        ({"event_date": "2022-05-03"}, "event_date"),
        ({"event_date": None}, "event_date"),
        ({"fatalities": {"acled": 1}}, "fatalities"),
        ({"actor1": "Protesters (Otherland)"}, "actor1"),
        ({"actor2": "Police Forces of Testland"}, "actor2"),
    ],
)
def test_acled_exact_match_counts_one_wrong_field(tmp_path, change, field):
    """Changing one field of one prediction costs exactly that field one row."""
    answers = PERFECT | {"XX1": [event(**change)]}
    scores = evaluate_acled(write_acled(tmp_path), pipeline=by_id(answers), progress=False)
    wrong = {name for name, s in scores.fields.items() if s.correct != 3}
    assert wrong == {field} and scores.fields[field].correct == 2


@pytest.mark.parametrize(
    ("field", "baseline_correct"),
    [
        ("event_type", 2),
        ("sub_event_type", 2),
        ("event_date", 2),
        ("fatalities", 2),
        ("actor1", 2),
        ("actor2", 2),  # the most common gold actor2 is "none", which is an answer
        ("country", 3),
        ("admin1", 2),
        ("within_25km", 2),
        ("geo_precision", 2),
    ],
)
def test_acled_baseline_is_the_most_common_gold_value(tmp_path, field, baseline_correct):
    """The baseline always answers the commonest gold value (or place) and counts its hits."""
    scores = evaluate_acled(write_acled(tmp_path), pipeline=by_id({}), progress=False)
    assert scores.fields[field].baseline_correct == baseline_correct
    assert scores.fields[field].baseline == pytest.approx(baseline_correct / 3)


@pytest.mark.parametrize(("pred_actor2", "correct"), [(None, True), ("", True), ("Rebels", False)])
def test_acled_actor2_empty_gold_matches_no_actor(tmp_path, pred_actor2, correct):
    """An empty gold actor2 is matched by a prediction with no second actor, None or empty."""
    path = write_acled(tmp_path, rows=GOLD[:1])
    scores = evaluate_acled(
        path, pipeline=by_id({"XX1": [event(actor2=pred_actor2)]}), progress=False
    )
    assert scores.fields["actor2"].correct == int(correct)


@pytest.mark.parametrize(("dlat", "within"), [(0.0, True), (0.18, True), (0.27, False)])
def test_acled_within_25km_uses_great_circle_distance(tmp_path, dlat, within):
    """A predicted point counts when it lies within 25 km of the gold coordinates."""
    loc = {"lat": 10.0 + dlat, "lon": 20.0, "name": "Alpha"}  # 0.18 deg ~ 20 km, 0.27 ~ 30 km
    path = write_acled(tmp_path, rows=GOLD[:1])
    scores = evaluate_acled(path, pipeline=by_id({"XX1": [event(location=loc)]}), progress=False)
    assert scores.fields["within_25km"].correct == int(within)


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.6),  # Paris - London
        ((0.0, 0.0), (0.0, 0.0), 0.0),
        ((0.0, 0.0), (0.0, 180.0), math.pi * 6371.0088),  # half the equator
        ((10.0, 20.0), (11.0, 20.0), math.pi * 6371.0088 / 180),  # one degree of latitude
    ],
)
def test_common_haversine_matches_known_distances(a, b, km):
    """The haversine distance agrees with known great-circle distances to within 0.5%."""
    assert haversine_km(*a, *b) == pytest.approx(km, rel=5e-3, abs=1e-6)


@pytest.mark.parametrize(
    "pipeline",
    [
        by_id({}),  # no events at all
        by_id({k: [event(role="background")] for k in PERFECT}),  # only background events
        FakePipeline(lambda doc: [event()], error_ids={"XX1", "XX2", "XX3"}),  # failures
        type("Short", (), {"pipe": lambda self, docs, batch_size=32: iter(())})(),  # nothing
    ],
    ids=["no-events", "background-only", "errors", "short-stream"],
)
def test_acled_missing_prediction_counts_wrong(tmp_path, pipeline):
    """A row without a main-event prediction is wrong for every field but still counted."""
    scores = evaluate_acled(write_acled(tmp_path), pipeline=pipeline, progress=False)
    assert scores.n == 3 and scores.predicted == 0
    assert all(s.correct == 0 and s.n == 3 for s in scores.fields.values())


def test_acled_first_main_event_is_the_prediction(tmp_path):
    """The prediction is the first event whose role is main, after any background events."""
    answers = {"XX1": [event(role="background", event_type="Riots"), event(), event(actor1="X")]}
    scores = evaluate_acled(
        write_acled(tmp_path, rows=GOLD[:1]), pipeline=by_id(answers), progress=False
    )
    assert scores.fields["event_type"].correct == 1 and scores.fields["actor1"].correct == 1


@pytest.mark.parametrize(
    ("offset", "published"),
    [(3, datetime(2022, 5, 5, tzinfo=UTC)), (0, datetime(2022, 5, 2, tzinfo=UTC)), (None, None)],
)
def test_acled_documents_carry_date_hint_outlet_and_id(tmp_path, offset, published):
    """Each note becomes a document published offset days after the event (or undated)."""
    pipe = by_id({})
    evaluate_acled(
        write_acled(tmp_path, rows=GOLD[:1]),
        published_offset_days=offset,
        pipeline=pipe,
        progress=False,
    )
    (doc,) = pipe.seen
    assert (doc.published, doc.outlet, doc.id) == (published, "Daily Test", "XX1")
    assert doc.text == GOLD[0]["notes"]


def test_acled_limit_reads_only_the_first_rows(tmp_path):
    """``limit`` scores only the first rows of the file."""
    pipe = by_id(PERFECT)
    scores = evaluate_acled(write_acled(tmp_path), limit=2, pipeline=pipe, progress=False)
    assert scores.n == 2 and [d.id for d in pipe.seen] == ["XX1", "XX2"]


def test_acled_confusion_table_names_what_was_predicted_instead(tmp_path):
    """The confusion table lists each gold sub-event type with its commonest wrong answers."""
    answers = PERFECT | {"XX1": [event(sub_event_type="Mob violence")]}
    scores = evaluate_acled(write_acled(tmp_path), pipeline=by_id(answers), progress=False)
    assert scores.confusion["Peaceful protest"] == {"Mob violence": 1, "Peaceful protest": 1}
    table = scores.confusion_table()
    assert "Mob violence (1)" in table and "Armed clash" in table


def test_acled_table_and_dict_report_every_field(tmp_path):
    """The text table and the dict both carry every field's score, baseline and n."""
    scores = evaluate_acled(write_acled(tmp_path), pipeline=by_id(PERFECT), progress=False)
    table = scores.table()
    assert table.splitlines()[0].split() == ["field", "score", "baseline", "n"]
    assert all(name in table for name in scores.fields)
    data = json.loads(json.dumps(scores.to_dict()))
    assert data["fields"]["actor1"] == {
        "score": 1.0,
        "baseline": 0.6667,
        "correct": 3,
        "baseline_correct": 2,
        "n": 3,
    }


def test_acled_progress_goes_to_stderr(tmp_path, capsys):
    """Progress is a docs/s counter line on stderr; stdout stays clean for data."""
    evaluate_acled(write_acled(tmp_path), pipeline=by_id(PERFECT), progress=True)
    out, err = capsys.readouterr()
    assert out == "" and "acled: 3/3 docs" in err and "docs/s" in err


@pytest.mark.parametrize(
    ("columns", "code"), [(ACLED_COLUMNS, "E180"), (["event_date", "notes"], "E181")]
)
def test_acled_bad_path_or_format_raises_catalogued_error(tmp_path, columns, code):
    """A missing file is E180 and a CSV without ACLED's columns is E181."""
    path = write_acled(tmp_path, columns=columns)
    with pytest.raises(ReportedlyError) as err:
        evaluate_acled(path + ".absent" if code == "E180" else path, pipeline=by_id({}))
    assert err.value.code == code


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(ACLED_COLUMNS), st.text(max_size=12) | st.none()))
def test_acled_gold_row_parsing_never_crashes(row):
    """Any row, however broken, becomes a GoldRow with typed or empty values."""
    gold = GoldRow.from_row(row)
    assert isinstance(gold.values["fatalities"], int)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.text(max_size=5) | st.integers() | st.floats(),
        lambda c: st.dictionaries(st.text(max_size=8), c, max_size=4),
        max_leaves=12,
    )
)
def test_acled_prediction_parsing_never_crashes(value):
    """Any dict-shaped prediction is read into scored values without raising."""
    assert isinstance(predicted_values(value if isinstance(value, dict) else None), dict)


def test_common_most_common_breaks_ties_by_first_seen():
    """Baselines are stable: among equally common values, the first seen wins."""
    assert most_common(["b", "a", "a", "b", "c"]) == "b" and most_common([]) is None


def test_common_format_table_aligns_columns():
    """Every line of a table puts its columns at the same character positions."""
    lines = format_table(("f", "score"), [("a", 0.5), ("long name", 1.0)]).splitlines()
    assert len({len(line) for line in lines}) == 1


def test_common_progress_counts_and_closes(tmp_path):
    """A tracked stream yields every item and ends with a final counter line."""
    with open(tmp_path / "log", "w+") as stream:
        meter = Progress("x", total=2, stream=stream)
        assert list(meter.track("ab")) == ["a", "b"]
        stream.seek(0)
        assert stream.read().startswith("x: 2/2 docs")


@pytest.mark.parametrize(
    ("env", "tail"), [("/data/gold", ("data", "gold")), (None, ("shared", "eval"))]
)
def test_evaluate_default_eval_dir_honours_env(monkeypatch, env, tail):
    """REPORTEDLY_EVAL overrides the default ../shared/eval beside the checkout."""
    monkeypatch.delenv("REPORTEDLY_EVAL", raising=False)
    if env:
        monkeypatch.setenv("REPORTEDLY_EVAL", env)
    assert default_eval_dir().parts[-2:] == tail


# --- WikiEvents -------------------------------------------------------------------------------


def sentence(text):
    return [[[tok, 0, 0] for tok in text.split()], text]


def mention(kind, sent_idx):
    return {
        "event_type": kind,
        "trigger": {"start": 0, "end": 1, "text": "x", "sent_idx": sent_idx},
        "arguments": [],
    }


WIKI = [
    {
        "doc_id": "d1",
        "sentences": [
            sentence("A blast hit the market ."),
            sentence("Officials met on Monday ."),
            sentence("Two people died in the blast ."),
            sentence("Police said the gunmen fled ."),
        ],
        "event_mentions": [
            mention("Conflict.Attack.DetonateExplode", 0),
            mention("Contact.Contact.Meet", 1),
            mention("Life.Die.Unspecified", 2),
        ],
    },
    {
        "doc_id": "d2",
        "sentences": [sentence("Gunmen attacked a convoy ."), sentence("The blast was heard .")],
        "event_mentions": [mention("Conflict.Attack.Unspecified", 0)],
    },
]


def write_wiki(tmp_path, docs=WIKI):
    path = tmp_path / "dev.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return str(path)


def claim(doc, start, end, field="event"):
    return {
        "field": field,
        "value": "x",
        "text": doc.text[start:end],
        "source": {"name": "outlet"},
        "stance": "asserted",
        "evidence": {"doc_id": doc.id, "start": start, "end": end, "sentence": ""},
    }


BLAST = {"event_type": "Explosions/Remote violence",
         "sub_event_type": "Remote explosive/landmine/IED", "disorder_type": "Political violence"}


def word_claims(word, field="event", kind=BLAST):
    """A fake detector: one event (an explosion unless ``kind`` says otherwise) whose claims
    point at every occurrence of ``word``."""

    def answer(doc):
        spans, i = [], doc.text.find(word)
        while i >= 0:
            spans.append(claim(doc, i, i + len(word), field))
            i = doc.text.find(word, i + 1)
        return [event(claims=spans, **kind)] if spans else []

    return answer


def test_wikievents_text_is_rebuilt_with_an_offset_map():
    """Each sentence's offsets point back at exactly its text in the rebuilt document."""
    doc = parse_document(WIKI[0])
    for i, s in enumerate(WIKI[0]["sentences"]):
        assert doc.text[doc.starts[i] : doc.ends[i]] == s[1]
    assert doc.text.count("\n") == 3


def test_wikievents_gold_sentences_hold_attack_or_death_triggers():
    """Gold sentences are those with a Conflict.Attack* or Life.Die* trigger, nothing else."""
    assert parse_document(WIKI[0]).gold == {0, 2} and parse_document(WIKI[1]).gold == {0}


@pytest.mark.parametrize(
    ("span", "expected"),
    [((2, 7), {0}), ((0, 0), {0}), ((24, 25), set()), ((20, 30), {0, 1}), ((60, 62), {2})],
    ids=["inside-first", "empty-at-start", "on-line-break", "across-two", "third"],
)
def test_wikievents_evidence_span_maps_to_sentences(span, expected):
    """An evidence span maps to the gold sentences it overlaps; a line break maps to none."""
    assert parse_document(WIKI[0]).sentences_in(*span) == expected


def test_wikievents_scores_sentence_recall_and_precision(tmp_path):
    """Recall, precision and F1 come from gold, predicted and shared sentence counts."""
    pipe = FakePipeline(word_claims("blast"))
    scores = evaluate_wikievents(write_wiki(tmp_path), pipeline=pipe)
    # predicted: d1 sentences 0 and 2 (both gold), d2 sentence 1 (not gold); gold: 3 sentences
    assert (scores.gold, scores.predicted, scores.true_positives) == (3, 3, 2)
    assert scores.recall == pytest.approx(2 / 3) and scores.precision == pytest.approx(2 / 3)
    assert scores.f1 == pytest.approx(2 / 3)
    assert "recall" in scores.table() and scores.to_dict()["true_positives"] == 2


@pytest.mark.parametrize(
    "kind",
    [{"event_type": "Protests", "sub_event_type": "Peaceful protest"},
     {"event_type": "Strategic developments", "sub_event_type": "Arrests"},
     {"event_type": "Riots", "sub_event_type": "Violent demonstration"}],
    ids=["peaceful-protest", "arrests", "violent-demonstration"],
)
def test_wikievents_events_that_are_not_attacks_do_not_count(tmp_path, kind):
    """Protests, arrests and violent demonstrations are not Conflict.Attack / Life.Die: their
    evidence sentences are not predictions."""
    pipe = FakePipeline(word_claims("blast", kind=kind))
    assert evaluate_wikievents(write_wiki(tmp_path), pipeline=pipe).predicted == 0


def test_wikievents_only_event_claims_count(tmp_path):
    """Claims about other fields (actors, places) do not mark a sentence as detected."""
    pipe = FakePipeline(word_claims("blast", field="actor1"))
    scores = evaluate_wikievents(write_wiki(tmp_path), pipeline=pipe)
    assert scores.predicted == 0 and scores.recall == 0.0 and scores.f1 == 0.0


def test_wikievents_runs_each_document_once_without_a_date(tmp_path):
    """The pipeline sees each article once, as the rebuilt text, with no publication date."""
    pipe = FakePipeline(lambda doc: [])
    evaluate_wikievents(write_wiki(tmp_path), pipeline=pipe)
    assert [d.id for d in pipe.seen] == ["d1", "d2"]
    assert all(d.published is None for d in pipe.seen)
    assert pipe.seen[1].text == "Gunmen attacked a convoy .\nThe blast was heard ."


@pytest.mark.parametrize(
    ("content", "code"), [(None, "E180"), ("not json\n", "E181"), ('{"doc_id": "x"}\n', "E181")]
)
def test_wikievents_bad_path_or_format_raises_catalogued_error(tmp_path, content, code):
    """A missing file is E180; a line that is not a WikiEvents record is E181."""
    path = tmp_path / "dev.jsonl"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ReportedlyError) as err:
        evaluate_wikievents(str(path), pipeline=FakePipeline(lambda doc: []))
    assert err.value.code == code


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(["doc_id", "sentences", "event_mentions"]),
        st.recursive(
            st.none() | st.text(max_size=6) | st.integers(),
            lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
            max_leaves=10,
        ),
    )
)
def test_wikievents_record_parsing_never_crashes(record):
    """Any JSON-shaped record parses to a document whose offsets fit its text."""
    doc = parse_document(record)
    assert all(0 <= s <= e <= len(doc.text) for s, e in zip(doc.starts, doc.ends, strict=True))


# --- floors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "score", "allow", "new"),
    [
        (0.5, 0.6234, False, 0.623),
        (0.5, 0.5021, False, 0.502),
        (0.5, 0.4, True, 0.4),
        (0.0, 0.0, False, 0.0),
    ],
)
def test_floors_rise_to_scores_and_fall_only_when_allowed(old, score, allow, new):
    """An update raises a floor to the score (rounded down) and lowers it only when allowed."""
    record = {"floors": {"f1": old}}
    assert fl.raised("x", record, {"f1": score}, allow_lower=allow) == {"f1": new}


def test_floors_never_lowered_silently():
    """Lowering a floor without --allow-lower is refused with E183."""
    with pytest.raises(ReportedlyError) as err:
        fl.raised("acled", {"floors": {"actor1": 0.5}}, {"actor1": 0.3})
    assert err.value.code == "E183"


@pytest.mark.parametrize(("score", "fails"), [(0.5, False), (0.496, False), (0.494, True)])
def test_floors_shortfall_allows_a_small_tolerance(score, fails):
    """A score fails its floor only when it is more than 0.005 below it."""
    assert bool(fl.shortfalls({"recall": score}, {"floors": {"recall": 0.5}})) == fails


def test_floors_script_updates_then_refuses_to_lower(tmp_path):
    """The floors script records hash and raised floors, then refuses a lower run."""
    (tmp_path / "acled").mkdir()
    (tmp_path / "wikievents").mkdir()
    write_acled(tmp_path / "acled")
    (tmp_path / "acled" / "acled.csv").rename(tmp_path / "acled" / "acled-2022-dev.csv")
    write_wiki(tmp_path / "wikievents")
    floors = tmp_path / "floors.json"
    args = ["--floors", str(floors), "--eval-dir", str(tmp_path), "--only", "acled",
            "--only", "wikievents", "--update"]
    assert fl.main(args, pipeline=by_id(PERFECT)) == 0
    written = json.loads(floors.read_text())
    assert written["acled"]["floors"]["actor1"] == 1.0 and len(written["acled"]["sha256"]) == 64
    assert fl.main(args, pipeline=by_id({})) == 2  # E183: every ACLED floor would drop
    assert json.loads(floors.read_text()) == written
    assert fl.main(args[:-1], pipeline=by_id({})) == 1  # check mode: below the floors
    assert fl.main(args + ["--allow-lower"], pipeline=by_id({})) == 0
    assert json.loads(floors.read_text())["acled"]["floors"]["actor1"] == 0.0


def test_floors_file_is_well_formed():
    """The recorded floors name every scored field of each dev set, with a corpus hash."""
    data = fl.load_floors(fl.default_floors_path())
    for name, spec in fl.DATASETS.items():
        assert set(data[name]["floors"]) == set(spec["fields"]) and len(data[name]["sha256"]) == 64


@pytest.mark.parametrize(("ours", "theirs"), [
    ("Şırnak", "Sirnak"), ("Diyarbakır", "Diyarbakir"), ("Łódzkie", "Lodzkie"),
    ("Deir ez-Zor", "Deir ez Zor"),
])
def test_eval_acled_place_names_fold_letters_unicode_keeps(ours, theirs):
    """Admin1 names compare equal across letters Unicode does not decompose (dotless i, ł)."""
    from reportedly.evaluate.acled import _fold

    assert _fold(ours) == _fold(theirs)
