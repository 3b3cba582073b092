"""The review endpoints of the JSON API, on DuckDB and PostgreSQL: keys, errors, the event
shape they answer, and the audit trail."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from reportedly.server import create_app
from reportedly.store import Store
from test_review import DAKAR, DAKAR_PLACE, ISGS, JNIM, RADIO, WIRE, MatchByPlace, doc, ingest
from test_review import mention as make_mention

KEYS = "alice:alice-secret,carol:carol-secret:read"
WRITE = {"X-API-Key": "alice-secret"}
READ_ONLY = {"X-API-Key": "carol-secret"}


@pytest.fixture
def api(store_target):
    """A client over a store with the Gao attack (two reports) and a Dakar event."""
    target = store_target()
    wire, radio, dakar = doc(WIRE), doc(RADIO, outlet="Radio Sahel"), doc(DAKAR)
    with Store(target, fuser=MatchByPlace()) as store:
        ingest(store, wire, make_mention(wire, actor1=JNIM))
        ingest(store, radio, make_mention(radio, actor1=ISGS, dead=6))
        ingest(store, dakar, make_mention(dakar, location=DAKAR_PLACE, dead=0))
    app = create_app(db=target, api_keys=KEYS)
    app.state.backend.store._fuser = MatchByPlace()
    client = TestClient(app)
    events = {e["location"]["name"]: e for e in client.get("/api/events").json()["events"]}
    yield client, events["Gao"], events["Dakar"], (wire, radio, dakar)
    app.state.backend.close()


def _is_error(response, status: int, code: str | None = None) -> bool:
    body = response.json()
    return (response.status_code == status and set(body) == {"error"}
            and bool(body["error"]["message"]) and (code is None or body["error"]["code"] == code))


def _changes(gao, dakar, wire):
    cid = gao["claims"][0]["claim_id"]
    eid = gao["event_id"]
    return {
        "review": (f"/api/events/{eid}/claims/{cid}/review", {"verdict": "rejected"}),
        "correct": (f"/api/events/{eid}/corrections", {"field": "actor1", "value": JNIM}),
        "merge": (f"/api/events/{eid}/merge", {"other": dakar["event_id"]}),
        "split": (f"/api/events/{eid}/split", {"documents": [wire.id]}),
    }


def test_review_api_events_carry_claim_ids_reviews_and_corrections(api):
    """Event bodies give each claim its claim_id and review (null), and corrections {}."""
    client, gao, _, _ = api
    detail = client.get(f"/api/events/{gao['event_id']}").json()
    assert detail["corrections"] == {}
    assert all(len(c["claim_id"]) == 16 and c["review"] is None for c in detail["claims"])


@pytest.mark.parametrize("action", ["review", "correct", "merge", "split"])
@pytest.mark.parametrize(("headers", "status"), [({}, 401), ({"X-API-Key": "nope"}, 401),
                                                 (READ_ONLY, 403)])
def test_review_api_changes_need_a_key_with_write_rights(api, action, headers, status):
    """Without a known key every change answers 401; with a read-only key 403."""
    client, gao, dakar, (wire, _, _) = api
    path, payload = _changes(gao, dakar, wire)[action]
    assert _is_error(client.post(path, json=payload, headers=headers), status)
    assert client.get("/api/audit").json()["total"] == 0


def test_review_api_verdict_answers_the_event_as_get_does(api):
    """A verdict answers the updated event, the same as GET /api/events/{id} then gives."""
    client, gao, _, _ = api
    isgs = next(c["claim_id"] for c in gao["claims"] if c["value"] == ISGS)
    response = client.post(f"/api/events/{gao['event_id']}/claims/{isgs}/review",
                           json={"verdict": "rejected", "note": "wrong group"}, headers=WRITE)
    assert response.status_code == 200
    assert response.json() == client.get(f"/api/events/{gao['event_id']}").json()
    body = response.json()
    assert body["actor1"] == JNIM
    verdict = next(c["review"] for c in body["claims"] if c["claim_id"] == isgs)
    assert verdict["verdict"] == "rejected" and verdict["reviewer"] == "alice" and verdict["at"]


def test_review_api_correction_is_shown_listed_and_exported(api):
    """A correction is the event's value in the detail, the list filters and the exports."""
    client, gao, _, _ = api
    response = client.post(f"/api/events/{gao['event_id']}/corrections", headers=WRITE,
                           json={"field": "actor2", "value": "Military Forces of Mali (2021-)",
                                 "note": "the checkpoint's garrison"})
    body = response.json()
    assert response.status_code == 200 and body["actor2"] == "Military Forces of Mali (2021-)"
    assert body["corrections"]["actor2"]["reviewer"] == "alice"
    listed = client.get("/api/events", params={"actor": "forces of mali"}).json()
    assert [e["event_id"] for e in listed["events"]] == [gao["event_id"]]
    assert "Military Forces of Mali (2021-)" in client.get("/api/export/acled-csv").text


def test_review_api_merge_and_split(api):
    """Merging folds the other event in (it then answers 404); splitting answers
    {"events": [kept, new]} with the listed documents in the new one."""
    client, gao, dakar, (wire, radio, dakar_doc) = api
    merged = client.post(f"/api/events/{gao['event_id']}/merge", headers=WRITE,
                         json={"other": dakar["event_id"]}).json()
    assert {d["id"] for d in merged["documents"]} == {wire.id, radio.id, dakar_doc.id}
    assert _is_error(client.get(f"/api/events/{dakar['event_id']}"), 404)
    split = client.post(f"/api/events/{gao['event_id']}/split", headers=WRITE,
                        json={"documents": [dakar_doc.id]})
    kept, new = split.json()["events"]
    assert split.status_code == 200 and kept["event_id"] == gao["event_id"]
    assert [d["id"] for d in new["documents"]] == [dakar_doc.id]
    assert client.get(f"/api/events/{new['event_id']}").json() == new


@pytest.mark.parametrize(("action", "what"), [
    ("review", "event"), ("review", "claim"), ("correct", "event"), ("merge", "event"),
    ("merge", "other"), ("split", "event")])
def test_review_api_unknown_event_or_claim_is_404(api, action, what):
    """A change of an event (or claim) that is not stored answers 404 with the error body."""
    client, gao, dakar, (wire, _, _) = api
    path, payload = _changes(gao, dakar, wire)[action]
    if what == "claim":
        path = path.replace(gao["claims"][0]["claim_id"], "0000000000000000")
    elif what == "other":
        payload = {"other": "nope"}
    else:
        path = path.replace(gao["event_id"], "nope")
    assert _is_error(client.post(path, json=payload, headers=WRITE), 404, "not_found")


@pytest.mark.parametrize(("action", "payload", "code"), [
    ("review", {"verdict": "maybe"}, "invalid"),
    ("review", {}, "invalid"),
    ("correct", {"field": "notes", "value": "x"}, "invalid"),
    ("correct", {"field": "fatalities", "value": -3}, "E212"),
    ("correct", {"field": "event_date", "value": "yesterday"}, "E212"),
    ("correct", {"field": "sub_event_type", "value": "Ambush"}, "E212"),
    ("merge", {"other": "SELF"}, "E214"),
    ("merge", {}, "invalid"),
    ("split", {"documents": []}, "invalid"),
    ("split", {"documents": ["ALL"]}, "E214"),
])
def test_review_api_bad_change_is_422(api, action, payload, code):
    """A bad verdict, field, value, merge or split answers 422 with its code."""
    client, gao, dakar, (wire, radio, _) = api
    path, _ = _changes(gao, dakar, wire)[action]
    if payload.get("other") == "SELF":
        payload = {"other": gao["event_id"]}
    if payload.get("documents") == ["ALL"]:
        payload = {"documents": [wire.id, radio.id]}
    assert _is_error(client.post(path, json=payload, headers=WRITE), 422, code)


def test_review_api_audit_lists_changes_with_before_and_after(api):
    """GET /api/audit and /api/events/{id}/audit list the changes, newest first, with who,
    when, before and after; filters and pages apply."""
    client, gao, dakar, _ = api
    eid = gao["event_id"]
    client.post(f"/api/events/{eid}/corrections", headers=WRITE,
                json={"field": "fatalities", "value": 5, "note": "hospital figure"})
    client.post(f"/api/events/{dakar['event_id']}/corrections", headers=WRITE,
                json={"field": "actor1", "value": "Protesters (Senegal)"})
    page = client.get("/api/audit").json()
    assert page["total"] == 2 and [r["event_id"] for r in page["audit"]] == [
        dakar["event_id"], eid]
    record = page["audit"][1]
    assert set(record) == {"id", "at", "reviewer", "action", "event_id", "before", "after",
                           "note"}
    assert record["reviewer"] == "alice" and record["action"] == "correct"
    assert record["before"] == {"field": "fatalities", "value": gao["fatalities"]}
    assert record["after"]["value"]["acled"] == 5 and record["note"] == "hospital figure"
    one = client.get(f"/api/events/{eid}/audit").json()
    assert one["total"] == 1 and one["audit"][0] == record
    assert client.get("/api/audit", params={"event_id": eid}).json() == one
    assert client.get("/api/audit", params={"reviewer": "bob"}).json() == {"audit": [],
                                                                          "total": 0}
    assert len(client.get("/api/audit", params={"limit": 1, "offset": 1}).json()["audit"]) == 1
    assert _is_error(client.get("/api/events/nope/audit"), 404)
    assert _is_error(client.get("/api/audit", params={"limit": 0}), 422)


@pytest.mark.parametrize(("params", "places"), [
    ({}, {"Gao", "Dakar"}), ({"country": "ml"}, {"Gao"}), ({"admin1": "dakar"}, {"Dakar"}),
    ({"actor": "unidentified"}, {"Gao"}), ({"q": "students"}, {"Dakar"}), ({"q": "100%"}, set()),
    ({"type": "armed clash"}, {"Gao", "Dakar"}), ({"since": "2023-05-07"}, {"Gao", "Dakar"}),
    ({"until": "2023-05-06"}, set()), ({"bbox": "-18,14,-17,15"}, {"Dakar"}),
])
def test_review_api_reads_filter_alike_on_every_backend(api, params, places):
    """The read queries (filters, text search, sources, documents, exports) give the same
    answers on DuckDB and PostgreSQL."""
    client, *_ = api
    page = client.get("/api/events", params=params).json()
    assert {e["location"]["name"] for e in page["events"]} == places == {
        e["location"]["name"] for e in page["events"]} and page["total"] == len(places)
    assert client.get("/api/sources").json()["total"] == 2
    assert client.get("/api/documents").json()["total"] == 3
    lines = client.get("/api/export/json", params=params).text.splitlines()
    assert len(lines) == len(places)
