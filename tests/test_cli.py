"""The command line: data on stdout, one clear line per bad input on stderr, never a traceback."""

from __future__ import annotations

import csv
import io
import json
import pathlib
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportedly.cli import _read_documents, main
from reportedly.export import ACLED_COLUMNS
from reportedly.records import Document

REPO = Path(__file__).resolve().parents[1]
CLI = REPO / ".venv" / "bin" / "reportedly"

# Short wire-style reports written for these tests.
STRIKE = (
    "KIDAL, Mali (Wire) - Gunmen attacked a police post in the town of Kidal on Tuesday, "
    "killing two officers, a regional official said. The attackers fled on motorbikes "
    "toward the border, the official added."
)
PROTEST = (
    "NAIROBI (Wire) - Hundreds of traders marched through central Nairobi on Monday to "
    "protest against a new market levy, witnesses said. The demonstration ended peacefully "
    "outside the county offices."
)
FRENCH = (
    "Des hommes armés ont attaqué un poste de police dans la ville de Kidal mardi, tuant deux "
    "agents, selon un responsable régional qui a demandé à ne pas être nommé par la presse."
)
ARABIC = "هاجم مسلحون مركزا للشرطة في مدينة كيدال يوم الثلاثاء مما أسفر عن مقتل اثنين من " * 3

ACLED_31 = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
).split(",")


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


def jsonl(tmp_path: Path, name: str, lines: list[str]) -> str:
    return write(tmp_path, name, "\n".join(lines) + "\n")


def stdout_objects(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


BAD_FILES = {
    "empty": (b"", "E002"),
    "blank": (b"  \n\t\n", "E002"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "E003"),
    "latin-1": ("Troops entered the café in Ségou on Monday, the army said.".encode("latin-1"),
                "E004"),
    "french": (FRENCH.encode(), "E006"),
    "arabic": (ARABIC.encode(), "E006"),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_cli_bad_file_gives_one_line_error_naming_it_and_exit_1(kind, tmp_path, capsys):
    """A bad report gets one stderr line with its code and name, an error record, exit 1."""
    content, code = BAD_FILES[kind]
    path = write(tmp_path, f"{kind}.txt", content)
    rc = main(["extract", path])
    out, err = capsys.readouterr()
    assert rc == 1
    err_lines = err.strip().splitlines()
    assert len(err_lines) == 1 and f"[{code}]" in err_lines[0] and path in err_lines[0]
    assert stdout_objects(out) == [
        {"id": path, "events": [], "error": err_lines[0].removeprefix("reportedly: error: ")}
    ]
    assert "Traceback" not in err


def test_cli_bad_file_among_good_ones_keeps_going_and_exits_0(tmp_path, capsys, pipeline):
    """In a batch, the bad input gets an error record in place and the others are extracted."""
    good = write(tmp_path, "good.txt", STRIKE)
    bad = write(tmp_path, "bad.txt", b"")
    rc = main(["extract", bad, good])
    out, err = capsys.readouterr()
    first, second = stdout_objects(out)
    assert rc == 0
    assert first["id"] == bad and "[E002]" in first["error"] and first["events"] == []
    assert "error" not in second and second["events"]
    assert err.count("[E002]") == 1 and "Traceback" not in err


def test_cli_missing_file_is_an_error_record_not_a_crash(tmp_path, capsys):
    """A path that does not exist is named, with E001."""
    missing = str(tmp_path / "nowhere.txt")
    assert main(["extract", missing]) == 1
    out, err = capsys.readouterr()
    assert "[E001]" in err and missing in err
    assert stdout_objects(out)[0]["id"] == missing


def test_cli_default_limit_refuses_big_file_without_reading_it(tmp_path, capsys, monkeypatch):
    """A 50 MB text is refused by the default 20 MB limit from its size alone."""
    monkeypatch.delenv("REPORTEDLY_MAX_DOC_MB", raising=False)
    big = tmp_path / "big.txt"
    line = b"Troops shelled the town on Monday, officials said.\n"
    with big.open("wb") as fh:
        fh.write(line * (50 * 1024 * 1024 // len(line) + 1))

    def forbidden(*args, **kwargs):
        raise AssertionError("the oversized file was read")

    monkeypatch.setattr(pathlib.Path, "read_bytes", forbidden)
    monkeypatch.setattr(pathlib.Path, "read_text", forbidden)
    assert main(["extract", str(big)]) == 1
    out, err = capsys.readouterr()
    assert "[E005]" in err and str(big) in err and "REPORTEDLY_MAX_DOC_MB" in err
    assert "20 MB" in err and "Traceback" not in err


def test_cli_lowered_limit_applies_to_files_and_jsonl_lines(tmp_path, capsys, monkeypatch,
                                                            pipeline):
    """REPORTEDLY_MAX_DOC_MB caps a file and a JSONL line alike; the other lines still run."""
    monkeypatch.setenv("REPORTEDLY_MAX_DOC_MB", "1")
    bulky = (STRIKE + "\n") * (2 * 1024 * 1024 // len(STRIKE))
    big_file = write(tmp_path, "big.txt", bulky)
    batch = jsonl(tmp_path, "batch.jsonl", [json.dumps({"id": "huge", "text": bulky}),
                                            json.dumps({"id": "ok", "text": STRIKE})])
    rc = main(["extract", big_file, "--input-jsonl", batch])
    out, err = capsys.readouterr()
    records = {o["id"]: o for o in stdout_objects(out)}
    assert rc == 0
    assert "[E005]" in records[big_file]["error"] and "[E005]" in records["batch.jsonl:1"]["error"]
    assert records["ok"]["events"] and "error" not in records["ok"]
    assert err.count("[E005]") == 2


@pytest.mark.parametrize(
    ("line", "code", "record_id"),
    [
        ("this is not json", "E007", "batch.jsonl:2"),
        ("[1, 2, 3]", "E007", "batch.jsonl:2"),
        ('{"id": "no-text", "outlet": "Wire"}', "E008", "no-text"),
        ('{"id": "num", "text": 42}', "E008", "num"),
        (json.dumps({"id": "fr", "text": FRENCH}), "E006", "fr"),
        (json.dumps({"id": "when", "text": STRIKE, "published": "last Tuesday"}), "E009", "when"),
    ],
)
def test_cli_bad_jsonl_line_gets_error_record_while_others_run(line, code, record_id, tmp_path,
                                                                capsys, pipeline):
    """A bad JSONL line becomes an error record in order; the good lines around it are extracted."""
    path = jsonl(tmp_path, "batch.jsonl", [json.dumps({"id": "one", "text": STRIKE}), line,
                                           json.dumps({"id": "three", "text": PROTEST})])
    rc = main(["extract", "--input-jsonl", path])
    out, err = capsys.readouterr()
    records = stdout_objects(out)
    assert rc == 0
    assert [r["id"] for r in records] == ["one", record_id, "three"]
    assert f"[{code}]" in records[1]["error"] and records[1]["events"] == []
    assert records[0]["events"] and records[2]["events"]
    assert len(err.strip().splitlines()) == 1 and f"[{code}]" in err and "batch.jsonl" in err


@settings(max_examples=60, deadline=None)
@given(lines=st.lists(st.one_of(st.binary(max_size=80),
                                st.text(max_size=80).map(str.encode),
                                st.dictionaries(st.sampled_from(["id", "text", "published"]),
                                                st.one_of(st.text(max_size=30), st.integers(),
                                                          st.none()))
                                .map(lambda d: json.dumps(d).encode())),
                      max_size=6))
def test_cli_batch_reader_never_crashes(lines, tmp_path_factory):
    """Any bytes in a JSONL batch become documents or (id, message) error records, never raise."""
    path = tmp_path_factory.mktemp("jsonl") / "any.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines))
    for item in _read_documents([], str(path), published=None, outlet=None):
        assert isinstance(item, Document) or (isinstance(item, tuple) and item[1].startswith("[E"))


def test_cli_all_jsonl_lines_bad_exits_non_zero(tmp_path, capsys):
    """A run where no document could be read as a whole failed."""
    path = jsonl(tmp_path, "bad.jsonl", ["nope", '{"id": "x"}'])
    assert main(["extract", "--input-jsonl", path]) == 1
    out, _ = capsys.readouterr()
    assert [("error" in r) for r in stdout_objects(out)] == [True, True]


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["extract"], "E001"),
        (["extract", "--input-jsonl", "/nonexistent/batch.jsonl"], "E001"),
        (["extract", "x.txt", "--published", "11/02/2021"], "E009"),
        (["eval", "acled", "/nonexistent/acled.csv"], "E012"),
    ],
)
def test_cli_usage_mistake_is_one_line_and_exit_2(argv, code, capsys):
    """A mistake in the command itself is one stderr line with its code and exit status 2."""
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and f"[{code}]" in err


def test_cli_extract_json_prints_one_object_per_document_and_nothing_else(tmp_path, capsys,
                                                                          pipeline):
    """stdout holds exactly one {"id", "events"} JSON object per input document, one per line."""
    a, b = write(tmp_path, "a.txt", STRIKE), write(tmp_path, "b.txt", PROTEST)
    assert main(["extract", a, b, "--published", "2023-05-02", "--format", "json"]) == 0
    out, _ = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == 2 and out.endswith("\n")
    for line in lines:
        obj = json.loads(line)
        assert set(obj) == {"id", "events"} and isinstance(obj["events"], list)
    event = json.loads(lines[0])["events"][0]
    contract = {"event_id", "role", "event_type", "sub_event_type", "disorder_type", "plover",
                "event_date", "time_precision", "actor1", "assoc_actor_1", "actor2",
                "assoc_actor_2", "inter1", "inter2", "interaction", "civilian_targeting",
                "location", "fatalities", "grade", "claims", "sources", "notes"}
    assert contract <= set(event)


def test_cli_extract_acled_csv_header_is_the_31_columns(tmp_path, capsys, pipeline):
    """The ACLED export's header is exactly the codebook's 31 columns, in order."""
    assert ACLED_COLUMNS == tuple(ACLED_31)
    path = write(tmp_path, "a.txt", STRIKE)
    assert main(["extract", path, "--published", "2023-05-02", "--format", "acled-csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ACLED_31
    assert len(rows) >= 2 and all(len(r) == 31 for r in rows)


def test_cli_extract_geojson_is_a_feature_collection(tmp_path, capsys, pipeline):
    """--format geojson prints one FeatureCollection whose features are events."""
    path = write(tmp_path, "a.txt", STRIKE)
    assert main(["extract", path, "--published", "2023-05-02", "--format", "geojson"]) == 0
    fc = json.loads(capsys.readouterr().out)
    assert fc["type"] == "FeatureCollection" and fc["features"]
    for feature in fc["features"]:
        assert feature["type"] == "Feature" and "event_type" in feature["properties"]
        assert feature["geometry"] is None or feature["geometry"]["type"] == "Point"


def test_cli_extract_table_has_header_and_a_row_per_event(tmp_path, capsys, pipeline):
    """--format table prints a header, a rule and the events."""
    path = write(tmp_path, "a.txt", STRIKE)
    assert main(["extract", path, "--published", "2023-05-02", "--format", "table"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["date", "role", "sub-event"] and set(lines[1]) <= {"-", " "}
    assert len(lines) >= 3 and "Kidal" in "\n".join(lines[2:])


def test_cli_geoparse_jsonl_output_shape(tmp_path, capsys, pipeline):
    """geoparse writes {"id", "toponyms": [...]} per line with the contract's toponym keys."""
    path = jsonl(tmp_path, "g.jsonl", [json.dumps({"id": "k", "text": STRIKE}), "oops"])
    assert main(["geoparse", "--input-jsonl", path]) == 0
    out, err = capsys.readouterr()
    good, bad = stdout_objects(out)
    assert set(good) == {"id", "toponyms"} and good["id"] == "k"
    keys = {"start", "end", "text", "geonameid", "name", "lat", "lon", "country_code", "admin1",
            "feature_code"}
    kidal = next(t for t in good["toponyms"] if t["text"] == "Kidal")
    assert keys <= set(kidal) and STRIKE[kidal["start"]:kidal["end"]] == "Kidal"
    assert kidal["country_code"] == "ML"
    assert bad["toponyms"] == [] and "[E007]" in bad["error"] and "[E007]" in err


def test_cli_events_on_missing_db_is_a_clear_error(tmp_path, capsys):
    """Listing events from a database that does not exist says so, and creates nothing."""
    db = tmp_path / "none.duckdb"
    assert main(["events", "--db", str(db)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "[E013]" in err and str(db) in err
    assert not db.exists()


def test_cli_sample_stores_events_and_points_further(tmp_path, capsys, pipeline,
                                                     project_fuser):
    """sample fills the database, prints the table and a 'Look further' line; events reads it."""
    db = str(tmp_path / "s.duckdb")
    assert main(["sample", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("date ") and "Look further:" in out and f"--db {db}" in out
    assert main(["events", "--db", db, "--format", "json"]) == 0
    stored = stdout_objects(capsys.readouterr().out)
    assert len(stored) >= 10 and all("event_id" in e for e in stored)
    assert main(["events", "--db", db, "--type", "Protests", "--format", "json"]) == 0
    protests = stdout_objects(capsys.readouterr().out)
    assert protests and {e["event_type"] for e in protests} == {"Protests"}


def test_cli_ingest_stores_good_documents_and_reports_bad_ones(tmp_path, capsys, pipeline,
                                                              project_fuser):
    """ingest stores what it can read, names what it cannot, logs both, and exits 0."""
    db = str(tmp_path / "i.duckdb")
    good = write(tmp_path, "good.txt", STRIKE)
    bad = jsonl(tmp_path, "b.jsonl", ["{", json.dumps({"id": "p", "text": PROTEST})])
    assert main(["ingest", good, bad, "--db", db, "--published", "2023-05-02"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "[E007]" in err and "stored 2 documents" in err and "1 failed" in err
    assert f"{good}: " in err and "[1/2]" in err and "[2/2]" in err
    from reportedly.store import Store

    with Store(db) as store:
        log = [(r["path"], r["status"]) for r in store.ingest_log()]
    assert log == [(f"{bad}:1", "failed"), (good, "extracted"), (f"{bad}:2", "extracted")]


# --- ingest, fusion and exports -------------------------------------------------------------

# Two reports of one car bombing, and three other events close in time (written for these tests).
STORIES = {
    "mogadishu-wire.txt": (
        "MOGADISHU (Wire) - A car bomb exploded near a checkpoint in Mogadishu on Tuesday, "
        "killing at least seven people, police said. No group immediately claimed the attack."
    ),
    "mogadishu-radio.txt": (
        "MOGADISHU, Somalia (Radio Dalsan) - At least nine people died when an "
        "explosives-laden car blew up beside a security checkpoint in Mogadishu on Tuesday, a "
        "hospital official said."
    ),
    "kismayo.txt": (
        "KISMAYO, Somalia (Wire) - Fighters attacked a police station in Kismayo on Thursday, "
        "a local elder said. Two officers were wounded."
    ),
    "kidal.txt": STRIKE,
    "maiduguri.txt": (
        "MAIDUGURI, Nigeria (Wire) - Gunmen attacked a village near Maiduguri on Sunday, "
        "killing between 12 and 20 villagers, a local official said."
    ),
}
PUBLISHED = "2024-03-06"


def story_files(folder: Path) -> list[str]:
    return [write(folder, name, text) for name, text in STORIES.items()]


@pytest.fixture(scope="module")
def story_db(tmp_path_factory, pipeline):
    """A store with the five reports ingested: four events, the car bombing told twice."""
    from conftest import install_fuser_standin

    install_fuser_standin()
    folder = tmp_path_factory.mktemp("stories")
    db = str(folder / "stories.duckdb")
    assert main(["ingest", *story_files(folder), "--db", db, "--published", PUBLISHED]) == 0
    return db


def events_json(db: str, *args: str, capsys) -> list[dict]:
    capsys.readouterr()
    assert main(["events", "--db", db, "--format", "json", *args]) == 0
    return stdout_objects(capsys.readouterr().out)


def test_cli_ingest_fuses_two_reports_of_one_event(story_db, capsys):
    """The two car-bomb reports are one event with both documents and sources; four in all."""
    events = events_json(story_db, capsys=capsys)
    assert len(events) == 4
    (bombing,) = [e for e in events if e["location"] and e["location"]["name"] == "Mogadishu"]
    assert len(bombing["documents"]) == 2 and bombing["number_of_sources"] >= 2
    assert {c["evidence"]["doc_id"] for c in bombing["claims"]} == set(bombing["documents"])


def test_cli_ingest_again_leaves_identical_events_and_claims(tmp_path, capsys, pipeline,
                                                            project_fuser):
    """Ingesting the same files twice changes no event, claim or link; each is 'skipped'."""
    from reportedly.store import Store

    db = str(tmp_path / "twice.duckdb")
    files = story_files(tmp_path)
    assert main(["ingest", *files, "--db", db, "--published", PUBLISHED]) == 0
    with Store(db) as store:
        first = store.snapshot()
    capsys.readouterr()
    assert main(["ingest", *files, "--db", db, "--published", PUBLISHED]) == 0
    err = capsys.readouterr().err
    with Store(db) as store:
        assert store.snapshot() == first
    assert err.count("already stored, skipped") == len(files)


KILLABLE = (
    "import sys\n"
    "sys.path.insert(0, sys.argv[1])\n"
    "from conftest import install_fuser_standin\n"
    "install_fuser_standin()\n"
    "from reportedly.cli import main\n"
    "sys.exit(main(sys.argv[2:]))\n"
)


def test_cli_ingest_killed_midway_then_rerun_equals_a_clean_run(tmp_path, capsys, pipeline,
                                                               project_fuser, monkeypatch):
    """A process killed after its first commit leaves no half-written event; running the
    same ingest again finishes the job with the same events and claims as a clean run."""
    from reportedly.cli import sample_documents
    from reportedly.store import Store

    files = story_files(tmp_path)
    for d in sample_documents()[:8]:
        files.append(write(tmp_path, d.path, d.text))
    killed, clean = str(tmp_path / "killed.duckdb"), str(tmp_path / "clean.duckdb")
    argv = ["ingest", *files, "--published", PUBLISHED]
    env = {**__import__("os").environ, "REPORTEDLY_BATCH_SIZE": "1"}
    proc = subprocess.Popen([sys.executable, "-c", KILLABLE, str(REPO / "tests"), *argv,
                             "--db", killed], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True, env=env)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "[1/" in line:
            proc.kill()
            break
    proc.wait(timeout=60)
    with Store(killed) as store:
        stored_docs = store.count()[0]
        linked = store.con.execute("SELECT count(DISTINCT doc_id) FROM mentions").fetchone()
    assert 1 <= stored_docs < len(files) and linked == (stored_docs,)
    monkeypatch.setenv("REPORTEDLY_BATCH_SIZE", "1")
    assert main([*argv, "--db", killed]) == 0
    assert main([*argv, "--db", clean]) == 0
    with Store(killed) as a, Store(clean) as b:
        assert a.snapshot() == b.snapshot()
        assert a.count() == b.count() == (len(files), b.count()[1])


def test_cli_ingest_into_a_file_that_is_not_duckdb_changes_nothing(tmp_path, capsys):
    """ingest into a foreign file is E013, exit 2, and the file keeps its bytes."""
    target = write(tmp_path, "notes.duckdb", "my notes, not a database\n")
    report = write(tmp_path, "a.txt", STRIKE)
    assert main(["ingest", report, "--db", target]) == 2
    assert "[E013]" in capsys.readouterr().err
    assert Path(target).read_text() == "my notes, not a database\n"


@pytest.mark.parametrize(
    ("args", "places"),
    [
        ([], {"Mogadishu", "Kismayo", "Kidal", "Maiduguri"}),
        (["--country", "Somalia"], {"Mogadishu", "Kismayo"}),
        (["--country", "ml"], {"Kidal"}),
        (["--bbox", "45,1,46,3"], {"Mogadishu"}),
        (["--bbox=-20,0,20,20"], {"Kidal", "Maiduguri"}),
        (["--since", "2024-03-04"], {"Mogadishu", "Kidal"}),
        (["--until", "2024-03-03"], {"Kismayo", "Maiduguri"}),
        (["--since", "2024-03-01", "--until", "2024-03-04", "--country", "Nigeria"],
         {"Maiduguri"}),
    ],
)
def test_cli_events_filters(story_db, capsys, args, places):
    """--country (name or code), --bbox, --since and --until select stored events."""
    assert {e["location"]["name"] for e in events_json(story_db, *args, capsys=capsys)} == places


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--since", "2024/03/01"], "E009"),
        (["--until", "yesterday"], "E009"),
        (["--bbox", "45,1,46"], "E200"),
        (["--bbox", "a,b,c,d"], "E200"),
        (["--bbox", "46,1,45,3"], "E200"),
        (["--bbox", "45,3,46,1"], "E200"),
        (["--bbox", "45,-95,46,3"], "E200"),
        (["--bbox=-190,1,46,3"], "E200"),
        (["--bbox", "nan,1,46,3"], "E200"),
        (["--policy", "toll=max"], "E201"),
        (["--policy", "winner=first"], "E201"),
        (["--policy", "toll"], "E201"),
        (["--format", "parquet"], "E202"),
    ],
)
def test_cli_events_bad_values_are_one_line_errors(story_db, capsys, args, code):
    """A bad date, box, policy or a Parquet export without --out: one stderr line, exit 2."""
    capsys.readouterr()
    assert main(["events", "--db", story_db, *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and f"[{code}]" in err


def test_cli_events_acled_and_ucdp_csv(story_db, capsys):
    """The CSV exports have their headers and a row per event; UCDP cites the articles."""
    from reportedly.export import UCDP_COLUMNS

    capsys.readouterr()
    assert main(["events", "--db", story_db, "--format", "acled-csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ACLED_31 and len(rows) == 5
    assert main(["events", "--db", story_db, "--format", "ucdp-csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == UCDP_COLUMNS and len(rows) == 4
    bombing = next(r for r in rows if r["where_coordinates"] == "Mogadishu")
    assert bombing["source_article"].count("2024-03-06") == 2


def test_cli_events_plover_json_and_geojson(story_db, capsys):
    """PLOVER JSON has a record per event; GeoJSON is valid for the geojson library."""
    import geojson

    capsys.readouterr()
    assert main(["events", "--db", story_db, "--format", "plover-json"]) == 0
    records = stdout_objects(capsys.readouterr().out)
    assert len(records) == 4 and all(r["event"] and "claims" in r for r in records)
    assert main(["events", "--db", story_db, "--format", "geojson"]) == 0
    fc = geojson.loads(capsys.readouterr().out)
    assert fc.is_valid and len(fc["features"]) == 4


def test_cli_events_parquet_reads_back_equal_to_the_json(story_db, tmp_path, capsys):
    """--format parquet --out FILE writes what --format json prints, event for event."""
    from reportedly.export import read_parquet

    as_json = events_json(story_db, capsys=capsys)
    target = tmp_path / "events.parquet"
    assert main(["events", "--db", story_db, "--format", "parquet", "--out", str(target)]) == 0
    assert capsys.readouterr().out == ""
    assert [json.loads(r["body"]) for r in read_parquet(target)] == as_json


def test_cli_events_out_writes_a_text_format_to_a_file(story_db, tmp_path, capsys):
    """--out sends a text export to a file and nothing to stdout; a bad path is E203."""
    target = tmp_path / "events.csv"
    capsys.readouterr()
    assert main(["events", "--db", story_db, "--format", "ucdp-csv", "--out", str(target)]) == 0
    assert capsys.readouterr().out == "" and target.read_text().startswith("id,year,")
    bad = str(tmp_path / "no" / "such" / "dir.csv")
    assert main(["events", "--db", story_db, "--format", "json", "--out", bad]) == 2
    assert "[E203]" in capsys.readouterr().err


def test_cli_policy_choices_are_the_ones_resolve_accepts():
    """Every --policy value the CLI offers is a valid resolve.Policy, and only those."""
    from reportedly.cli import POLICY_CHOICES, parse_policy
    from reportedly.resolve import Policy

    for name, values in POLICY_CHOICES.items():
        for value in values:
            assert getattr(parse_policy([f"{name}={value}"]), name) == value
        with pytest.raises(ValueError):
            Policy(**{name: "no-such-value"})
    assert parse_policy(None) is None
    both = parse_policy(["toll=highest", "contested_perpetrator = first"])
    assert (both.toll, both.contested_perpetrator) == ("highest", "first")


def test_cli_extract_policy_changes_the_resolved_toll(tmp_path, capsys, pipeline):
    """--policy toll=highest puts the highest reported figure into the ACLED column."""
    path = write(tmp_path, "range.txt", STORIES["maiduguri.txt"])
    tolls = []
    for extra in ([], ["--policy", "toll=highest"]):
        assert main(["extract", path, "--published", PUBLISHED, *extra]) == 0
        (doc,) = stdout_objects(capsys.readouterr().out)
        tolls.append(doc["events"][0]["fatalities"])
    assert tolls[0]["acled"] < tolls[1]["acled"] == tolls[1]["high"]
    assert tolls[0]["low"] == tolls[1]["low"]


def test_cli_events_policy_re_resolves_stored_events(story_db, capsys):
    """events --policy toll=highest re-resolves the stored tolls; the claims stay the same."""
    pytest.importorskip("reportedly.fuse")
    default = {e["event_id"]: e for e in events_json(story_db, capsys=capsys)}
    highest = {e["event_id"]: e for e in events_json(story_db, "--policy", "toll=highest",
                                                    capsys=capsys)}
    assert set(default) == set(highest)
    (village,) = [i for i, e in default.items() if e["location"]["name"] == "Maiduguri"]
    assert default[village]["fatalities"]["acled"] < highest[village]["fatalities"]["acled"]
    assert all(default[i]["claims"] == highest[i]["claims"] for i in default)


@pytest.mark.parametrize("fmt", ["ucdp-csv", "plover-json"])
def test_cli_extract_writes_the_store_formats_too(tmp_path, capsys, pipeline, fmt):
    """extract uses the same writers as events: UCDP CSV and PLOVER JSON work on reports."""
    path = write(tmp_path, "a.txt", STRIKE)
    assert main(["extract", path, "--published", "2023-05-02", "--format", fmt]) == 0
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert first.startswith("id,year,") if fmt == "ucdp-csv" else json.loads(first)["event"]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    exe = [str(CLI)] if CLI.exists() else [sys.executable, "-m", "reportedly.cli"]
    return subprocess.run([*exe, *args], capture_output=True, text=True, timeout=120)


def test_cli_process_mixed_batch_has_no_traceback(tmp_path):
    """The installed command, fed bad and good inputs, keeps going and exits 0."""
    files = [write(tmp_path, f"{k}.txt", v[0]) for k, v in BAD_FILES.items()]
    good = write(tmp_path, "good.txt", STRIKE)
    done = run_cli("extract", *files, good)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == len(files)
    assert len(done.stdout.splitlines()) == len(files) + 1


def test_cli_process_all_bad_exits_non_zero_without_traceback(tmp_path):
    """The installed command exits non-zero when every input is bad, and never shows a traceback."""
    files = [write(tmp_path, "empty.txt", b""), write(tmp_path, "bin.dat", b"\x00\xff" * 64)]
    done = run_cli("extract", *files)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    not_db = write(tmp_path, "not.duckdb", b"plain text, not a database\n")
    done = run_cli("events", "--db", not_db)
    assert done.returncode == 2 and "[E013]" in done.stderr and "Traceback" not in done.stderr
