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


def test_cli_sample_stores_events_and_points_further(tmp_path, capsys, pipeline):
    """sample fills the database, prints the table and a 'Look further' line; events reads it."""
    db = str(tmp_path / "s.duckdb")
    assert main(["sample", "--db", db]) == 0
    out, _ = capsys.readouterr()
    assert out.startswith("date ") and "Look further:" in out and f"--db {db}" in out
    assert main(["events", "--db", db, "--format", "json"]) == 0
    stored = stdout_objects(capsys.readouterr().out)
    assert len(stored) == 1 and len(stored[0]["events"]) >= 10
    assert main(["events", "--db", db, "--type", "Protests", "--format", "json"]) == 0
    protests = stdout_objects(capsys.readouterr().out)[0]["events"]
    assert protests and {e["event_type"] for e in protests} == {"Protests"}


def test_cli_ingest_stores_good_documents_and_reports_bad_ones(tmp_path, capsys, pipeline):
    """ingest stores what it can read, names what it cannot, and exits 0."""
    db = str(tmp_path / "i.duckdb")
    good = write(tmp_path, "good.txt", STRIKE)
    bad = jsonl(tmp_path, "b.jsonl", ["{", json.dumps({"id": "p", "text": PROTEST})])
    assert main(["ingest", good, bad, "--db", db, "--published", "2023-05-02"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "[E007]" in err and "stored 2 documents" in err


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
