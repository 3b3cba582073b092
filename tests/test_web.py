"""The web page's server side (reportedly.server.web): the page, its files, the timeline's JSON."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from reportedly.server import create_app, web

SAMPLES = ("01-somalia", "08-iraq", "09-ukraine", "13-nigeria")
KEYS = "alice:alice-secret,carol:carol-secret:read"
OWN_FILES = ("index.html", "app.js", "app.css")


@pytest.fixture(scope="module")
def client(tmp_path_factory, pipeline):
    from reportedly.cli import sample_documents
    from reportedly.store import Store

    path = str(tmp_path_factory.mktemp("web") / "events.duckdb")
    docs = [d for d in sample_documents() if (d.path or "").startswith(SAMPLES)]
    with Store(path) as store:
        for doc, ex in zip(docs, pipeline.pipe(docs), strict=True):
            store.ingest(doc, ex, path=doc.path)
    app = create_app(db=path, api_keys=KEYS, pipeline=pipeline)
    yield TestClient(app)
    app.state.backend.close()


def test_web_page_is_served_at_the_root(client):
    """GET / answers the page, which loads its script, its style and the vendored Leaflet."""
    response = client.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith(
        "text/html")
    for src in ("/static/app.js", "/static/app.css", "/static/vendor/leaflet.js",
                "/static/vendor/topojson-client.min.js"):
        assert src in response.text


@pytest.mark.parametrize("name", OWN_FILES)
def test_web_own_files_are_served(client, name):
    """The page's own files are served from /static/."""
    response = client.get(f"/static/{name}")
    assert response.status_code == 200 and response.content


@pytest.mark.parametrize("name", OWN_FILES)
def test_web_own_files_fetch_nothing_from_the_network(name):
    """Nothing of the page comes from a CDN: its own files name no http(s) address (SVG's
    namespace is a name, not a download)."""
    text = (web.STATIC / name).read_text(encoding="utf-8")
    assert re.findall(r"https?://(?!www\.w3\.org/2000/svg)", text) == []


@pytest.mark.parametrize("view", ["list-json", "map-json", "timeline-json", "event-json"])
def test_web_every_view_links_its_json_twin(view):
    """Each view of the page carries a "JSON" link that the script points at its API URL."""
    page = (web.STATIC / "index.html").read_text(encoding="utf-8")
    script = (web.STATIC / "app.js").read_text(encoding="utf-8")
    assert f'id="{view}"' in page and f'$("{view}").href' in script


@pytest.mark.parametrize("tiles", ["", "https://tiles.test/{z}/{x}/{y}.png",
                                   '"><script>x</script>'])
def test_web_tile_url_comes_from_the_setting_escaped(client, monkeypatch, tiles):
    """REPORTEDLY_TILE_URL reaches the page as an escaped attribute; empty means no tiles."""
    monkeypatch.setenv("REPORTEDLY_TILE_URL", tiles)
    text = client.get("/").text
    meta = re.search(r'<meta name="reportedly-tile-url" content="([^"]*)">', text)
    assert meta is not None
    assert "<script>x" not in text
    assert meta.group(1) == tiles.replace("&", "&amp;").replace('"', "&quot;").replace(
        "<", "&lt;").replace(">", "&gt;").replace("'", "&#x27;")


def test_web_missing_vendor_files_are_named_and_the_page_says_how_to_build(tmp_path):
    """Without the built libraries the page is still served, names what is missing and says
    to run `make setup`."""
    missing = web.vendor_missing(tmp_path)
    assert missing == list(web.VENDOR_FILES)
    html = web.page(tile_url="", missing=missing)
    assert "leaflet.js" in html and "make setup" in html


def test_web_vendor_files_are_built_by_the_setup():
    """`make setup` has copied Leaflet, topojson-client and world-atlas into the package."""
    if web.vendor_missing():
        pytest.skip("run `make setup` (or `make web`) to build the page's libraries")
    assert web.vendor_missing() == []


def _listed(client, params):
    return client.get("/api/events", params={**params, "limit": 500}).json()


@pytest.mark.parametrize("params", [{}, {"grade": "weak"}, {"type": "Explosions/Remote violence"},
                                    {"country": "Nigeria"}, {"since": "2100-01-01"}])
def test_web_timeline_counts_what_the_event_list_lists(client, params):
    """GET /api/timeline counts, per day, exactly the events /api/events gives for a filter."""
    timeline = client.get("/api/timeline", params=params).json()
    events = _listed(client, params)["events"]
    days: dict[str, int] = {}
    for e in events:
        if e["event_date"]:
            days[e["event_date"]] = days.get(e["event_date"], 0) + 1
    assert {d["date"]: d["events"] for d in timeline["days"]} == days
    assert [d["date"] for d in timeline["days"]] == sorted(days)
    assert timeline["undated"] == sum(1 for e in events if not e["event_date"])
    assert timeline["total"] == len(events)


@pytest.mark.parametrize(("params", "status"), [
    ({"since": "2021-02-30"}, 422), ({"bbox": "1,2,3"}, 422), ({"grade": "great"}, 422),
    ({"q": "'; DROP TABLE events; --"}, 200), ({"country": "x" * 201}, 422), ({"actor": "%"}, 200),
])
def test_web_timeline_hostile_filters_are_harmless(client, params, status):
    """The timeline takes the event list's filters, refused with the same JSON 422."""
    response = client.get("/api/timeline", params=params)
    assert response.status_code == status
    if status == 422:
        assert set(response.json()) == {"error"}


def test_web_timeline_is_keyed_when_reads_are(tmp_path):
    """With keyed reads the timeline needs a key like /api/events; the page itself does not."""
    app = create_app(db=str(tmp_path / "k.duckdb"), api_keys=KEYS, keyed_reads=True)
    client = TestClient(app)
    assert client.get("/api/timeline").status_code == 401
    assert client.get("/api/timeline", headers={"X-API-Key": "carol-secret"}).status_code == 200
    assert client.get("/").status_code == 200
    app.state.backend.close()
