"""The JSON API (reportedly.server): reads, filters, exports, keys, limits and one error body."""

from __future__ import annotations

import json
from datetime import date

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from conftest import LocalSite, rss_feed
from reportedly.readers import web as web_reader
from reportedly.server import create_app
from reportedly.server.auth import KeyRing, parse_keys

SAMPLES = ("01-somalia", "03-kenya", "08-iraq", "09-ukraine", "13-nigeria")
KEYS = "alice:alice-secret,carol:carol-secret:read"
WRITE = {"X-API-Key": "alice-secret"}
READ_ONLY = {"X-API-Key": "carol-secret"}
FORMATS = ("json", "acled-csv", "ucdp-csv", "plover-json", "geojson", "table", "parquet")
FILTERS = ("since", "until", "country", "admin1", "type", "actor", "grade", "bbox", "q")
HOSTILE = (
    "'; DROP TABLE events; --",
    "x" * 10_000,
    "%",
    "_",
    "\\",
    "' OR 1=1 --",
    str(10**40),
    "-99999999999999999999",
    "2021-02-30",
    "99999-01-01",
    "1e308,1e308,1e308,1e308",
    "nan,nan,nan,nan",
    "Ω" * 300,
)
REPORT = (
    "MOGADISHU, March 6 (Wire) - Al Shabaab fighters attacked an army base near Afgooye on "
    "Tuesday, killing four soldiers, a military officer told reporters. The militants fired "
    "mortars at the base before dawn and withdrew after a two-hour gun battle, residents said."
)


def _fill(path: str, pipeline) -> None:
    from reportedly.cli import sample_documents
    from reportedly.store import Store

    docs = [d for d in sample_documents() if (d.path or "").startswith(SAMPLES)]
    with Store(path) as store:
        for doc, ex in zip(docs, pipeline.pipe(docs), strict=True):
            store.ingest(doc, ex, path=doc.path)


@pytest.fixture(scope="module")
def app(tmp_path_factory, pipeline):
    path = str(tmp_path_factory.mktemp("server") / "events.duckdb")
    _fill(path, pipeline)
    application = create_app(db=path, api_keys=KEYS, pipeline=pipeline)
    yield application
    application.state.backend.close()


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


@pytest.fixture(scope="module")
def everything(client):
    """Every stored event, as the API lists them."""
    body = client.get("/api/events", params={"limit": 500}).json()
    assert body["events"], "the sample reports gave no events"
    return body["events"]


@pytest.fixture
def fresh(tmp_path, pipeline):
    """A client on an empty store, for writes (the shared store stays as filled)."""
    application = create_app(db=str(tmp_path / "w.duckdb"), api_keys=KEYS, pipeline=pipeline)
    yield TestClient(application)
    application.state.backend.close()


def _is_error(response, status: int) -> bool:
    body = response.json()
    return (response.status_code == status and set(body) == {"error"}
            and set(body["error"]) == {"code", "message"} and body["error"]["message"])


# --- reads ----------------------------------------------------------------------------------


def test_server_events_lists_events_and_total(client, everything):
    """GET /api/events answers {"events", "total"}; total counts all matches, not the page."""
    page = client.get("/api/events", params={"limit": 1}).json()
    assert set(page) == {"events", "total"}
    assert page["total"] == len(everything) and len(page["events"]) == 1


def test_server_events_pages_walk_the_whole_list(client, everything):
    """Pages of one event at successive offsets give the full list in the same order."""
    ids = [client.get("/api/events", params={"limit": 1, "offset": k}).json()["events"][0]
           ["event_id"] for k in range(len(everything))]
    assert ids == [e["event_id"] for e in everything]
    assert client.get("/api/events", params={"offset": len(everything)}).json()["events"] == []


def _value(events, name):
    """A filter value taken from the stored events, and the predicate it must select by."""
    located = [e for e in events if e.get("location")]
    dated = sorted(e["event_date"] for e in events if e["event_date"])
    loc = located[0]["location"] if located else {}
    actor = next((e["actor1"] for e in events if e.get("actor1")), None)
    word = (loc.get("name") or "").split()[0] if loc.get("name") else None
    table = {
        "since": (dated[len(dated) // 2], lambda e: e["event_date"] and
                  e["event_date"] >= dated[len(dated) // 2]),
        "until": (dated[len(dated) // 2], lambda e: e["event_date"] and
                  e["event_date"] <= dated[len(dated) // 2]),
        "country": (loc.get("country_code"), lambda e: (e.get("location") or {}).get(
            "country_code") == loc.get("country_code")),
        "admin1": (loc.get("admin1"), lambda e: (e.get("location") or {}).get("admin1") ==
                   loc.get("admin1")),
        "type": (events[0]["event_type"].upper(), lambda e: events[0]["event_type"] in (
            e["event_type"], e["sub_event_type"])),
        "actor": (actor and actor.lower(), lambda e: any(actor.lower() in (e.get(k) or "").lower()
                  for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"))),
        "grade": (events[0]["grade"], lambda e: e["grade"] == events[0]["grade"]),
        "bbox": (loc and f"{loc['lon'] - 1},{loc['lat'] - 1},{loc['lon'] + 1},{loc['lat'] + 1}",
                 lambda e: e.get("location") and abs(e["location"]["lon"] - loc["lon"]) <= 1
                 and abs(e["location"]["lat"] - loc["lat"]) <= 1),
        "q": (word, lambda e: word.lower() in json.dumps(e, ensure_ascii=False).lower()),
    }
    return table[name]


@pytest.mark.parametrize("name", FILTERS)
def test_server_events_filter_selects_matching_events(client, everything, name):
    """Each filter keeps at least the event its value came from, and only matching events."""
    value, matches = _value(everything, name)
    if value is None:
        pytest.skip(f"the sample events give no value for {name}")
    page = client.get("/api/events", params={name: value, "limit": 500}).json()
    assert page["events"] and page["total"] == len(page["events"])
    assert all(matches(e) for e in page["events"])
    assert {e["event_id"] for e in page["events"]} <= {e["event_id"] for e in everything}


def test_server_events_filters_combine(client, everything):
    """Two filters together give the intersection of each alone."""
    country, _ = _value(everything, "country")
    grade, _ = _value(everything, "grade")

    def ids(**params):
        return {e["event_id"] for e in client.get(
            "/api/events", params={**params, "limit": 500}).json()["events"]}

    assert ids(country=country, grade=grade) == ids(country=country) & ids(grade=grade)


def test_server_event_detail_has_claims_sources_evidence_and_documents(client, everything):
    """GET /api/events/{id} gives the event's claims with evidence, its sources and documents."""
    event = client.get(f"/api/events/{everything[0]['event_id']}").json()
    assert event["event_id"] == everything[0]["event_id"]
    assert event["claims"] and all(c["evidence"]["sentence"] for c in event["claims"])
    assert event["sources"]
    assert {d["id"] for d in event["documents"]} >= {c["evidence"]["doc_id"]
                                                      for c in event["claims"]}


@pytest.mark.parametrize("path", ["/api/events/nope", "/api/documents/nope", "/api/nothing"])
def test_server_unknown_thing_is_404_with_the_json_error_body(client, path):
    """A missing event, document or route answers 404 with the one error body."""
    assert _is_error(client.get(path), 404)


def test_server_documents_list_and_detail(client):
    """Documents are listed with a total; one document gives its text and its events."""
    page = client.get("/api/documents").json()
    assert page["total"] == len(SAMPLES) == len(page["documents"])
    doc = client.get(f"/api/documents/{page['documents'][0]['id']}").json()
    assert doc["text"] and isinstance(doc["events"], list)
    for event_id in doc["events"]:
        assert client.get(f"/api/events/{event_id}").status_code == 200


def test_server_sources_count_claims_and_events(client):
    """Each source lists how many claims it makes, in how many events."""
    page = client.get("/api/sources", params={"limit": 500}).json()
    assert page["sources"] and page["total"] == len(page["sources"])
    assert all(s["claims"] >= s["events"] >= 1 for s in page["sources"])


# --- exports --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_server_export_answers_every_cli_format(client, everything, fmt):
    """GET /api/export/{format} writes the stored events as `reportedly events --format` does."""
    response = client.get(f"/api/export/{fmt}")
    assert response.status_code == 200 and response.content
    assert "attachment" in response.headers["content-disposition"]
    if fmt == "parquet":
        assert response.content[:4] == b"PAR1"
    elif fmt == "geojson":
        assert len(response.json()["features"]) == len(everything)
    elif fmt in ("json", "plover-json"):
        assert len(response.text.splitlines()) == len(everything)
    elif fmt == "acled-csv":
        assert response.text.startswith("event_id_cnty,event_date,")


def test_server_export_filters_like_the_event_list(client, everything):
    """An export takes the same filters as GET /api/events."""
    grade = everything[0]["grade"]
    listed = client.get("/api/events", params={"grade": grade, "limit": 500}).json()["total"]
    lines = client.get("/api/export/json", params={"grade": grade}).text.splitlines()
    assert len(lines) == listed


def test_server_export_unknown_format_is_422(client):
    """A format the CLI does not know is refused with the JSON error body."""
    assert _is_error(client.get("/api/export/xlsx"), 422)


# --- hostile input --------------------------------------------------------------------------


@pytest.mark.parametrize("value", HOSTILE, ids=lambda v: repr(v)[:30])
@pytest.mark.parametrize("name", (*FILTERS, "limit", "offset"))
def test_server_hostile_filter_values_are_harmless(client, everything, name, value):
    """SQL metacharacters, huge strings, huge numbers and bad dates give 200 or a JSON 422,
    never a server error, and leave the store as it was."""
    response = client.get("/api/events", params={name: value})
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert _is_error(response, 422)
    else:
        assert response.json()["total"] <= len(everything)
    assert client.get("/api/events", params={"limit": 1}).json()["total"] == len(everything)


@pytest.mark.parametrize("path", ["/api/events/{v}", "/api/documents/{v}", "/api/export/{v}"])
@pytest.mark.parametrize("value", ["'; DROP TABLE events; --", "x" * 10_000, "%25"])
def test_server_hostile_path_values_are_harmless(client, path, value):
    """Hostile ids and formats in the path answer 404 or 422 with the error body."""
    response = client.get(path.format(v=value))
    assert response.status_code in (404, 422) and _is_error(response, response.status_code)


@pytest.mark.parametrize(("params", "status"), [
    ({"limit": 501}, 422), ({"limit": 0}, 422), ({"offset": -1}, 422),
    ({"limit": 500}, 200), ({"offset": 10**9}, 200), ({"offset": 10**9 + 1}, 422),
])
def test_server_pagination_bounds(client, params, status):
    """limit is 1..500 and offset 0..10^9; outside them the answer is a JSON 422."""
    response = client.get("/api/events", params=params)
    assert response.status_code == status
    if status == 422:
        assert _is_error(response, 422)


# --- writes, keys and limits ----------------------------------------------------------------


@pytest.mark.parametrize(("headers", "status"), [
    ({}, 401), ({"X-API-Key": "wrong"}, 401), ({"X-API-Key": ""}, 401), (READ_ONLY, 403),
    ({"X-API-Key": "alice-secret:read"}, 401),
])
def test_server_write_needs_a_key_with_write_rights(client, headers, status):
    """Without a (known) key a write answers 401; with a read-only key, 403."""
    response = client.post("/api/documents", json={"text": REPORT}, headers=headers)
    assert _is_error(response, status)


def test_server_post_document_extracts_stores_and_returns_events(fresh):
    """A report posted with a write key is extracted, stored and its events returned."""
    response = fresh.post("/api/documents", headers=WRITE, json={
        "text": REPORT, "published": "2024-03-06", "outlet": "Wire", "url": "https://x.test/1"})
    body = response.json()
    assert response.status_code == 200 and body["status"] == "extracted"
    assert body["events"] and all(e["claims"] for e in body["events"])
    listed = fresh.get("/api/events").json()
    assert listed["total"] == len(body["events"])
    doc = fresh.get(f"/api/documents/{body['document_id']}").json()
    assert doc["outlet"] == "Wire" and doc["published"].startswith("2024-03-06")
    again = fresh.post("/api/documents", headers=WRITE, json={"text": REPORT}).json()
    assert again["status"] == "skipped" and again["document_id"] == body["document_id"]


@pytest.mark.parametrize("payload", [
    {}, {"text": ""}, {"text": 5}, {"text": REPORT, "published": "not a date"},
    {"text": REPORT, "outlet": "o" * 10_000}, [], "text",
])
def test_server_post_document_bad_body_is_422(fresh, payload):
    """A body that is not a report answers 422 with the JSON error body."""
    assert _is_error(fresh.post("/api/documents", headers=WRITE, json=payload), 422)


def test_server_post_document_refuses_other_languages_with_its_code(fresh):
    """A report the library refuses (here: not English) is a 422 carrying the catalogue code."""
    text = "Les manifestants se sont rassemblés devant le ministère de la santé " * 5
    response = fresh.post("/api/documents", headers=WRITE, json={"text": text})
    assert _is_error(response, 422) and response.json()["error"]["code"] == "E006"


# --- POST /api/documents with URLs ------------------------------------------------------------

BAIDOA = (
    "BAIDOA, Somalia (Wire) - Militants fired mortars at an army camp outside Baidoa on "
    "Monday, killing two soldiers, a military official said."
)
BAIDOA_PAGE = (
    "<html><head><title>Mortars hit Baidoa camp</title></head><body><nav>Home | Africa</nav>"
    f"<article><h1>Mortars hit Baidoa camp</h1><p>{BAIDOA}</p></article></body></html>"
)
GAROWE = (
    "GAROWE, Somalia (Wire) - Hundreds of students marched through Garowe on Sunday to "
    "protest against a rise in school fees, witnesses said."
)


@pytest.fixture
def site():
    web = LocalSite()
    web.set("/feed.xml", rss_feed(("mogadishu", REPORT), ("garowe", GAROWE), title="Horn Wire",
                                  host="horn.example"))
    web.set("/baidoa.html", BAIDOA_PAGE, "text/html")
    yield web
    web.close()


def test_server_post_urls_ingests_each_document_and_logs_each_failure(fresh, site):
    """Posted URLs are fetched: a feed gives one document per entry, a page its article, each
    ingested like a posted text; a URL that fails is a record with its reason, logged too."""
    urls = [site.url("/feed.xml"), site.url("/baidoa.html"), site.url("/gone.html")]
    response = fresh.post("/api/documents", headers=WRITE, json={"urls": urls})
    assert response.status_code == 200
    docs = response.json()["documents"]
    assert [(d["url"], d["status"]) for d in docs] == [
        ("https://horn.example/mogadishu", "extracted"),
        ("https://horn.example/garowe", "extracted"),
        (urls[1], "extracted"), (urls[2], "failed")]
    assert all(d["events"] and d["document_id"] for d in docs[:3])
    assert docs[3]["document_id"] is None and "HTTP 404" in docs[3]["reason"]
    assert docs[3]["events"] == []
    stored = fresh.get(f"/api/documents/{docs[0]['document_id']}").json()
    assert stored["outlet"] == "Horn Wire" and stored["published"].startswith("2024-03-06")
    log = fresh.app.state.backend.store.ingest_log()
    assert [(r["status"], r["path"]) for r in log] == [
        ("extracted", f"api:alice:{urls[0]}#1"), ("extracted", f"api:alice:{urls[0]}#2"),
        ("extracted", f"api:alice:{urls[1]}"), ("failed", f"api:alice:{urls[2]}")]
    assert "HTTP 404" in log[-1]["reason"]
    again = fresh.post("/api/documents", headers=WRITE, json={"urls": urls[:2]}).json()
    assert [d["status"] for d in again["documents"]] == ["skipped"] * 3


def test_server_post_urls_takes_defaults_for_what_pages_do_not_say(fresh, site):
    """`published` and `outlet` of the body fill in what a fetched document does not give."""
    body = {"urls": [site.url("/baidoa.html")], "published": "2024-03-04", "outlet": "Radio"}
    (doc,) = fresh.post("/api/documents", headers=WRITE, json=body).json()["documents"]
    stored = fresh.get(f"/api/documents/{doc['document_id']}").json()
    assert stored["published"].startswith("2024-03-04")


@pytest.mark.parametrize("payload", [
    {"urls": []}, {"urls": "https://horn.example/feed.xml"}, {"urls": ["ftp://horn.example/a"]},
    {"urls": ["https://horn.example/a"] * 21}, {"urls": ["http://[::1/feed.xml"]},
    {"urls": ["https://:80/feed.xml"]}, {"urls": ["https://horn.example/a b"]},
    {"urls": ["https://horn.example/" + "a" * 2000]},
    {"text": REPORT, "urls": ["https://horn.example/a"]},
    {"urls": ["https://horn.example/a"], "published": "soon"},
])
def test_server_post_urls_bad_body_is_422(fresh, payload):
    """No URLs, too many (over 20), one that is not http(s) or not well formed, or text and
    URLs together: a 422 with the JSON error body, and nothing fetched."""
    assert _is_error(fresh.post("/api/documents", headers=WRITE, json=payload), 422)


def test_server_post_urls_needs_a_write_key(client):
    """Fetching URLs is a write like any other: no key is 401, a read-only key 403."""
    body = {"urls": ["https://horn.example/feed.xml"]}
    assert _is_error(client.post("/api/documents", json=body), 401)
    assert _is_error(client.post("/api/documents", json=body, headers=READ_ONLY), 403)


def test_server_request_over_the_size_limit_is_413(tmp_path):
    """A body over the configured size is refused with 413 and the error body, key or not."""
    application = create_app(db=str(tmp_path / "s.duckdb"), api_keys=KEYS, max_request_kb=1)
    client = TestClient(application)
    for headers in ({}, WRITE):
        response = client.post("/api/documents", headers=headers, json={"text": "a " * 2000})
        assert _is_error(response, 413)
    application.state.backend.close()


def test_server_reads_can_be_keyed(tmp_path):
    """With keyed reads, a read needs a key (any rights); without, reads are open."""
    application = create_app(db=str(tmp_path / "k.duckdb"), api_keys=KEYS, keyed_reads=True)
    client = TestClient(application)
    assert _is_error(client.get("/api/events"), 401)
    assert client.get("/api/events", headers=READ_ONLY).status_code == 200
    application.state.backend.close()


@pytest.mark.parametrize(("origins", "allowed"), [(None, False), ("https://a.test", True)])
def test_server_cors_is_off_unless_configured(tmp_path, origins, allowed):
    """No CORS header by default; a configured origin gets one."""
    application = create_app(db=str(tmp_path / "c.duckdb"), cors_origins=origins)
    response = TestClient(application).get("/api/events",
                                           headers={"Origin": "https://a.test"})
    assert ("access-control-allow-origin" in response.headers) is allowed
    application.state.backend.close()


@pytest.mark.parametrize(("spec", "expected"), [
    ("alice:K1,bob:K2", [("alice", "K1", "write"), ("bob", "K2", "write")]),
    ("carol:K3:read", [("carol", "K3", "read")]),
    (" dan : K4 : write ,", [("dan", "K4", "write")]),
    (":nokey,noname:,eve:K5:admin,plain,", []),
    ("", []),
])
def test_server_keys_parse_named_keys(spec, expected):
    """REPORTEDLY_API_KEYS items are name:key[:read|write]; malformed items grant nothing."""
    assert parse_keys(spec) == expected


def test_server_keys_are_kept_hashed():
    """The key ring finds holders by key but keeps no key in clear."""
    ring = KeyRing("alice:sekrit-value,carol:other-value:read")
    assert ring.who("sekrit-value").name == "alice" and ring.who("sekrit-value").can_write
    assert not ring.who("other-value").can_write
    assert ring.who("nope") is None and ring.who(None) is None
    assert "sekrit-value" not in repr(vars(ring))


class _BrokenPipeline:
    def __call__(self, document):
        raise RuntimeError("a bug")


def test_server_unexpected_error_is_500_with_the_json_error_body(tmp_path):
    """A bug behind an endpoint answers 500 with the one error body, saying nothing inside."""
    application = create_app(db=str(tmp_path / "b.duckdb"), api_keys=KEYS,
                             pipeline=_BrokenPipeline())
    client = TestClient(application, raise_server_exceptions=False)
    response = client.post("/api/documents", headers=WRITE, json={"text": REPORT})
    assert _is_error(response, 500) and "a bug" not in response.text
    application.state.backend.close()


def test_server_app_survives_a_restart(tmp_path):
    """Shutting the app down and starting it again (lifespan twice) reopens the store."""
    application = create_app(db=str(tmp_path / "r.duckdb"))
    for _ in range(2):
        with TestClient(application) as client:
            assert client.get("/api/events").json() == {"events": [], "total": 0}


# --- OpenAPI and schemathesis ---------------------------------------------------------------


def test_server_openapi_lists_every_endpoint(client):
    """/openapi.json describes each endpoint, and the write endpoint's key."""
    spec = client.get("/openapi.json").json()
    assert {"/api/events", "/api/events/{event_id}", "/api/documents",
            "/api/documents/{doc_id}", "/api/sources", "/api/export/{fmt}"} <= set(spec["paths"])
    assert "post" in spec["paths"]["/api/documents"]
    assert "APIKeyHeader" in spec["components"]["securitySchemes"]


def test_server_schemathesis_no_server_error_and_responses_match(app, monkeypatch):
    """Requests generated from /openapi.json never get a server error, and every response
    has a documented status, content type and schema (a few examples per operation)."""
    from hypothesis import given
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_schema_conformance]
    # Generated URLs are not fetched: the requests stay on this machine.
    monkeypatch.setattr(web_reader, "fetch", lambda url, **kw: "not fetched in this test")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 13  # 7 of the first API, 6 of review (server/review_api.py)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(checks=checks)

        check()


# --- the command ----------------------------------------------------------------------------


def test_server_cli_serve_runs_uvicorn_on_the_given_address(tmp_path, monkeypatch):
    """`reportedly serve --db F --host H --port P` runs the app with uvicorn on H:P."""
    import uvicorn

    from reportedly.cli import main

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw, app=app))
    assert main(["serve", "--db", str(tmp_path / "x.duckdb"), "--host", "0.0.0.0",
                 "--port", "8123"]) == 0
    assert seen["host"] == "0.0.0.0" and seen["port"] == 8123
    assert seen["app"].openapi()["info"]["title"] == "reportedly"
    seen["app"].state.backend.close()


@pytest.mark.parametrize("port", ["0", "65536", "http"])
def test_server_cli_serve_refuses_a_bad_port(port):
    """A port outside 1-65535 is a usage error before anything starts."""
    from reportedly.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port])
    assert exit_.value.code == 2


def test_server_since_until_accept_iso_dates(client):
    """Dates are ISO YYYY-MM-DD; an empty range gives no events and total 0."""
    page = client.get("/api/events", params={"since": date(2100, 1, 1).isoformat()}).json()
    assert page == {"events": [], "total": 0}
