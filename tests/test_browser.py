"""The web page in a real browser: headless Debian Chromium driven by Playwright.

Playwright never downloads a browser here: it drives /usr/bin/chromium (``make browser``
installs Debian's package). Without Chromium the test skips, except in CI, where it fails.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import shared_dir

CHROMIUM = Path(os.environ.get("REPORTEDLY_CHROMIUM", "/usr/bin/chromium"))
# As root in a closed network: no sandbox, no GPU, and none of Chromium's background calls home.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SEED = shared_dir() / "seeds" / "drone-strike-al-qaim.txt"
SAMPLES = ("01-somalia", "08-iraq", "09-ukraine")
KEY = "alice-secret"
# The founding report's three competing perpetrator claims: who says so, and what.
PERPETRATOR_CLAIMS = {
    "Iraqi media outlets": "Israel",
    "Step News Agency": "Coalition",
    "An Iraqi security source": "Unidentified",
}
TIMEOUT_MS = 15_000


def _chromium_or_skip() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"Chromium not found at {CHROMIUM}: run `make browser` (Debian's chromium package)"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    path = _chromium_or_skip()
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(path), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fill(path: str, pipeline) -> str:
    """The founding report and a few samples in a fresh store; the founding report's id."""
    from reportedly.cli import sample_documents
    from reportedly.records import Document
    from reportedly.store import Store

    seed = Document.from_text(SEED.read_text(encoding="utf-8"), published="2021-02-11",
                              outlet="Wire")
    docs = [seed, *(d for d in sample_documents() if (d.path or "").startswith(SAMPLES))]
    with Store(path) as store:
        for doc, ex in zip(docs, pipeline.pipe(docs), strict=True):
            store.ingest(doc, ex, path=doc.path)
    return seed.id


@pytest.fixture(scope="module")
def site(tmp_path_factory, pipeline):
    """The app over that store, served by uvicorn on a free port in a thread."""
    import uvicorn

    from reportedly.server import create_app

    if not SEED.is_file():
        pytest.skip(f"founding report not found at {SEED}")
    path = str(tmp_path_factory.mktemp("browser") / "events.duckdb")
    seed_id = _fill(path, pipeline)
    app = create_app(db=path, api_keys=f"alice:{KEY}", pipeline=pipeline)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield {"url": f"http://127.0.0.1:{port}", "seed": seed_id}
    server.should_exit = True
    thread.join(timeout=10)


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own server
        return json.loads(response.read())


def _main_event(site) -> str:
    doc = _get(f"{site['url']}/api/documents/{site['seed']}")
    events = [_get(f"{site['url']}/api/events/{i}") for i in doc["events"]]
    main = [e for e in events if e["role"] == "main"]
    assert main, "the founding report gave no main event"
    return main[0]["event_id"]


def _screenshot(page, tmp_path: Path) -> Path:
    shot = tmp_path / "browser.png"
    page.screenshot(path=str(shot), full_page=False)
    target = os.environ.get("REPORTEDLY_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, Path(target) / "browser.png")
    return shot


def test_browser_page_filters_opens_the_founding_event_and_records_a_review(
        browser, site, tmp_path):
    """Filtered to Syria, the founding report's event shows its three competing perpetrator
    claims with their sources; rejecting one through the page shows the verdict and leaves an
    audit record; the page is saved as a screenshot."""
    event_id = _main_event(site)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(site["url"] + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=TIMEOUT_MS)
    page.wait_for_selector("body[data-boundaries]", state="attached", timeout=TIMEOUT_MS)

    page.fill("#f-country", "Syria")
    page.click("#apply")
    page.wait_for_function(
        "() => /country=Syria/.test(document.getElementById('list-json').href)",
        timeout=TIMEOUT_MS)
    item = page.locator(f"li.event-item[data-event-id='{event_id}']")
    item.wait_for(timeout=TIMEOUT_MS)
    places = page.locator("li.event-item .item-place").all_inner_texts()
    assert places and all("Syria" in p for p in places)

    item.click()
    field = page.locator("section.field[data-field='actor1']")
    field.wait_for(timeout=TIMEOUT_MS)
    assert field.locator(".badge.contested").count() == 1
    claims = {c.get_attribute("data-source"): c.inner_text()
              for c in field.locator("li.claim").all()}
    for source, value in PERPETRATOR_CLAIMS.items():
        assert source in claims, f"no actor1 claim by {source}: {sorted(claims)}"
        assert value.lower() in claims[source].lower()
    assert "Al-Sumaria News" in claims["An Iraqi security source"]

    step = field.locator("li.claim[data-source='Step News Agency']")
    step.locator(".claim-main").click()
    mark = page.locator("#report mark.evidence")
    mark.wait_for(timeout=TIMEOUT_MS)
    assert "Step News" in mark.inner_text()

    page.fill("#api-key", KEY)
    page.dispatch_event("#api-key", "change")
    iraqi = field.locator("li.claim[data-source='Iraqi media outlets']")
    iraqi.locator("button.no").click()
    page.locator(
        "section.field[data-field='actor1'] li.claim[data-source='Iraqi media outlets']"
        " .verdict-rejected").wait_for(timeout=TIMEOUT_MS)
    page.locator("#audit li").first.wait_for(timeout=TIMEOUT_MS)

    page.locator("section.field[data-field='actor1']").scroll_into_view_if_needed()
    audit = _get(f"{site['url']}/api/events/{event_id}/audit")
    assert any(r["reviewer"] == "alice" and r["action"] == "review"
               and r["after"]["review"]["verdict"] == "rejected" for r in audit["audit"])
    shot = _screenshot(page, tmp_path)
    assert shot.stat().st_size > 10_000
    assert errors == []
    page.close()
