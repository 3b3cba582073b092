// The reportedly page: a map, a timeline, filters and an event panel over the JSON API.
// Plain JavaScript, no build step. Every view reads one API URL and links to it ("JSON").
"use strict";

(function () {
  const TYPE_COLOURS = {
    "Battles": "#c0392b",
    "Explosions/Remote violence": "#e67e22",
    "Violence against civilians": "#8e44ad",
    "Protests": "#27ae60",
    "Riots": "#a0522d",
    "Strategic developments": "#2c7fb8",
  };
  const OTHER_COLOUR = "#7f8c8d";
  const FIELDS = ["event", "actor1", "actor2", "location", "event_date", "fatalities"];
  const FIELD_LABELS = {
    event: "Event type", actor1: "Actor 1 (perpetrator)", actor2: "Actor 2 (target)",
    location: "Location", event_date: "Date", fatalities: "Fatalities",
  };
  // The API's name for the field a claim is about, when a reviewer corrects it.
  const CORRECTABLE = { event: "sub_event_type", actor1: "actor1", actor2: "actor2",
                        location: "location", event_date: "event_date", fatalities: "fatalities" };
  const FILTERS = ["country", "type", "actor", "grade", "q", "since", "until"];
  const PAGE = 100;
  const DAY = 86400000;

  const state = { offset: 0, total: 0, events: [], event: null, docs: {}, fit: true };
  const $ = (id) => document.getElementById(id);

  // --- small helpers ----------------------------------------------------------------------

  // Build elements from data, never from HTML strings: report texts are untrusted input.
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (k === "dataset") Object.assign(node.dataset, v);
      else node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function colour(type) { return TYPE_COLOURS[type] || OTHER_COLOUR; }

  function notice(message, kind) {
    const box = $("notice");
    box.textContent = message || "";
    box.className = kind || "";
    box.hidden = !message;
  }

  function apiKey() { return sessionStorage.getItem("reportedly-api-key") || ""; }

  async function api(url, options) {
    const headers = Object.assign({ "Accept": "application/json" }, (options || {}).headers);
    if (apiKey()) headers["X-API-Key"] = apiKey();
    const response = await fetch(url, Object.assign({}, options, { headers }));
    let body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) {
      const err = (body && body.error) || {};
      const hint = response.status === 401 || response.status === 403
        ? " (enter an API key with write rights at the top right)" : "";
      throw new Error(`${response.status} ${err.code || ""}: ${err.message || response.statusText}${hint}`);
    }
    return body;
  }

  function post(url, payload) {
    return api(url, { method: "POST", body: JSON.stringify(payload),
                      headers: { "Content-Type": "application/json" } });
  }

  // --- filters and the page's own URL -------------------------------------------------------

  function filters() {
    const out = {};
    for (const name of FILTERS) {
      const v = $("f-" + name).value.trim();
      if (v) out[name] = v;
    }
    return out;
  }

  function query(params) {
    const qs = new URLSearchParams(params).toString();
    return qs ? "?" + qs : "";
  }

  function remember() {
    const params = filters();
    if (state.event) params.event = state.event.event_id;
    history.replaceState(null, "", "/" + query(params));
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    for (const name of FILTERS) $("f-" + name).value = params.get(name) || "";
    return params.get("event");
  }

  // --- the list and the map ---------------------------------------------------------------

  async function loadEvents() {
    const params = Object.assign(filters(), { limit: PAGE, offset: state.offset });
    const url = "/api/events" + query(params);
    $("list-json").href = url;
    $("map-json").href = url;
    const page = await api(url);
    state.events = page.events;
    state.total = page.total;
    renderList();
    renderMarkers();
    remember();
  }

  function place(e) {
    const loc = e.location || {};
    return [loc.name, loc.admin1, loc.country].filter(Boolean).join(", ") || "place unknown";
  }

  function gradeBadge(grade) {
    return el("span", { class: "badge grade-" + (grade || "none") }, grade || "ungraded");
  }

  function renderList() {
    const list = $("event-list");
    list.replaceChildren(...state.events.map((e) => el("li", {
      class: "event-item", dataset: { eventId: e.event_id }, tabindex: 0,
      onclick: () => openEvent(e.event_id),
      onkeydown: (ev) => { if (ev.key === "Enter") openEvent(e.event_id); },
    },
      el("span", { class: "dot", style: `background:${colour(e.event_type)}` }),
      el("div", { class: "item-main" },
        el("div", { class: "item-title" }, e.sub_event_type || e.event_type || "event"),
        el("div", { class: "item-place" }, place(e)),
        el("div", { class: "item-actors" }, [e.actor1, e.actor2].filter(Boolean).join(" vs ") || "actors unknown")),
      el("div", { class: "item-side" },
        el("div", { class: "item-date" }, e.event_date || "undated"),
        gradeBadge(e.grade),
        e.role === "background" ? el("div", { class: "badge role" }, "background") : null))));
    if (!state.events.length) list.append(el("li", { class: "empty" }, "No event matches these filters."));
    $("total").textContent = `(${state.total})`;
    const last = Math.min(state.offset + state.events.length, state.total);
    $("page-label").textContent = state.total ? `${state.offset + 1}-${last} of ${state.total}` : "";
    $("prev").disabled = state.offset === 0;
    $("next").disabled = state.offset + PAGE >= state.total;
  }

  let map = null, markers = null, countries = null;

  function initMap() {
    if (typeof L === "undefined" || typeof topojson === "undefined") {
      $("map").hidden = true;
      $("map-missing").hidden = false;
      return;
    }
    map = L.map("map", { worldCopyJump: true, zoomSnap: 0.25, attributionControl: true })
      .setView([20, 20], 2);
    const tiles = document.querySelector('meta[name="reportedly-tile-url"]').content;
    if (tiles) L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
    else map.attributionControl.addAttribution("Boundaries: Natural Earth via world-atlas");
    markers = L.layerGroup().addTo(map);
    fetch("/static/vendor/countries-50m.json").then((r) => r.json()).then((topo) => {
      const shapes = topojson.feature(topo, topo.objects.countries);
      // Antarctica's ring runs along the pole, which Web Mercator cannot draw: leave it out.
      shapes.features = shapes.features.filter((f) => f.id !== "010");
      shapes.features.forEach((f) => unwrap(f.geometry));
      countries = L.geoJSON(shapes, {
        style: countryStyle,
        onEachFeature: (feature, layer) => {
          layer.on("click", () => {
            $("f-country").value = feature.properties.name;
            applyFilters();
          });
          layer.bindTooltip(feature.properties.name, { sticky: true, className: "country-tip" });
        },
      }).addTo(map);
      countries.bringToBack();
      document.body.dataset.boundaries = String(shapes.features.length);
    }).catch(() => notice("The country boundaries could not be read: run `make setup`.", "warn"));
    renderLegend();
  }

  // A polygon crossing the antimeridian (eastern Russia, Fiji) has points at both -180 and
  // 180: drawn as is, it runs a band across the whole map. Its western points move east.
  function unwrap(geometry) {
    const polygons = !geometry ? [] : geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    for (const polygon of polygons) {
      const xs = polygon[0].map((p) => p[0]);
      if (Math.max(...xs) - Math.min(...xs) <= 180) continue;
      for (const ring of polygon) for (const p of ring) if (p[0] < 0) p[0] += 360;
    }
  }

  function countryStyle(feature) {
    const chosen = $("f-country").value.trim().toLowerCase();
    const hit = chosen && feature.properties.name.toLowerCase() === chosen;
    return { color: "#a79f8f", weight: 0.7, fillColor: hit ? "#f3e3b5" : "#f7f4ee",
             fillOpacity: 1 };
  }

  function renderLegend() {
    $("legend").replaceChildren(...Object.entries(TYPE_COLOURS).map(([type, c]) =>
      el("button", { type: "button", class: "legend-item", title: "show only " + type,
                     onclick: () => { $("f-type").value = type; applyFilters(); } },
        el("span", { class: "dot", style: `background:${c}` }), type)),
      el("span", { class: "legend-item legend-note" },
        el("span", { class: "dot contested-dot" }), "dashed ring: contested"));
  }

  function renderMarkers() {
    if (!map) return;
    markers.clearLayers();
    if (countries) countries.setStyle(countryStyle);
    const points = [];
    for (const e of state.events) {
      const loc = e.location;
      if (!loc || typeof loc.lat !== "number" || typeof loc.lon !== "number") continue;
      const killed = (e.fatalities && e.fatalities.acled) || 0;
      const m = L.circleMarker([loc.lat, loc.lon], {
        radius: 6 + Math.min(8, Math.sqrt(killed)), color: e.grade === "contested" ? "#222" : "#fff",
        weight: e.grade === "contested" ? 2 : 1, dashArray: e.grade === "contested" ? "3 2" : null,
        fillColor: colour(e.event_type), fillOpacity: 0.85,
      });
      m.bindTooltip(`${e.event_date || "undated"}: ${e.sub_event_type || e.event_type} - ${place(e)}`);
      m.on("click", () => openEvent(e.event_id));
      m.addTo(markers);
      points.push([loc.lat, loc.lon]);
    }
    if (state.fit && points.length) {
      map.fitBounds(L.latLngBounds(points).pad(0.5), { maxZoom: 6 });
      state.fit = false;
    }
  }

  // --- the timeline -----------------------------------------------------------------------

  const timeline = { days: [], lo: 0, hi: 0, width: 0, drag: null };

  async function loadTimeline() {
    const params = filters();
    delete params.since;
    delete params.until;
    const url = "/api/timeline" + query(params);
    $("timeline-json").href = url;
    const body = await api(url);
    timeline.days = body.days.map((d) => ({ t: Date.parse(d.date + "T00:00:00Z"), n: d.events }));
    timeline.undated = body.undated;
    drawTimeline();
  }

  function unitOf(span) {
    if (span <= 60 * DAY) return "day";
    if (span <= 366 * DAY) return "week";
    return "month";
  }

  function binStart(t, unit) {
    const d = new Date(t);
    if (unit === "day") return t;
    if (unit === "week") return t - ((d.getUTCDay() + 6) % 7) * DAY;
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  }

  function binEnd(t, unit) {
    if (unit === "day") return t + DAY;
    if (unit === "week") return t + 7 * DAY;
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }

  function svgEl(tag, attrs, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function drawTimeline() {
    const svg = $("timeline");
    const width = svg.clientWidth || 600, height = svg.clientHeight || 110;
    const pad = { l: 8, r: 8, t: 8, b: 20 };
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.replaceChildren();
    const days = timeline.days;
    if (!days.length) {
      svg.append(svgEl("text", { x: width / 2, y: height / 2, class: "axis", "text-anchor": "middle" },
                       "no dated events under these filters"));
      return;
    }
    let first = days[0].t, last = days[days.length - 1].t;
    const unit = unitOf(last - first);
    first = binStart(first, unit);
    last = binEnd(binStart(last, unit), unit);
    const bins = new Map();
    for (const d of days) {
      const b = binStart(d.t, unit);
      bins.set(b, (bins.get(b) || 0) + d.n);
    }
    const x = (t) => pad.l + (t - first) / (last - first) * (width - pad.l - pad.r);
    const most = Math.max(...bins.values());
    const h = height - pad.t - pad.b;
    Object.assign(timeline, { lo: first, hi: last, x, width, pad, unit });
    for (const [b, n] of bins) {
      const x0 = x(b), x1 = x(binEnd(b, unit));
      const bh = Math.max(2, n / most * h);
      const bar = svgEl("rect", { x: x0 + 0.5, y: pad.t + h - bh, width: Math.max(3, x1 - x0 - 1),
                                  height: bh, class: "bar" });
      bar.append(svgEl("title", {}, `${new Date(b).toISOString().slice(0, 10)} (${unit}): ${n} events`));
      svg.append(bar);
    }
    svg.append(svgEl("line", { x1: pad.l, x2: width - pad.r, y1: pad.t + h, y2: pad.t + h, class: "base" }));
    const ticks = 6;
    for (let i = 0; i <= ticks; i++) {
      const t = first + (last - first) * i / ticks;
      svg.append(svgEl("text", { x: x(t), y: height - 5, class: "axis",
                                 "text-anchor": i === 0 ? "start" : i === ticks ? "end" : "middle" },
                       new Date(t).toISOString().slice(0, unit === "month" ? 7 : 10)));
    }
    const since = $("f-since").value, until = $("f-until").value;
    if (since || until) {
      const a = since ? Date.parse(since + "T00:00:00Z") : first;
      const b = until ? Date.parse(until + "T00:00:00Z") + DAY : last;
      const xa = Math.max(pad.l, x(a)), xb = Math.min(width - pad.r, x(b));
      svg.append(svgEl("rect", { x: xa, y: pad.t, width: Math.max(2, xb - xa), height: h, class: "brush" }));
    }
    $("brush-label").textContent = since || until
      ? `${since || "start"} to ${until || "end"}` : `drag to choose dates (bars: events per ${unit})`;
    $("brush-clear").hidden = !(since || until);
    if (timeline.undated) {
      svg.append(svgEl("text", { x: width - pad.r, y: pad.t + 10, class: "axis", "text-anchor": "end" },
                       `+ ${timeline.undated} undated`));
    }
  }

  function timeAt(clientX) {
    const svg = $("timeline");
    const box = svg.getBoundingClientRect();
    const px = (clientX - box.left) * (timeline.width / box.width);
    const frac = (px - timeline.pad.l) / (timeline.width - timeline.pad.l - timeline.pad.r);
    return timeline.lo + Math.min(1, Math.max(0, frac)) * (timeline.hi - timeline.lo);
  }

  function initBrush() {
    const svg = $("timeline");
    svg.addEventListener("mousedown", (ev) => {
      if (!timeline.days.length) return;
      timeline.drag = { from: timeAt(ev.clientX), rect: null };
      ev.preventDefault();
    });
    window.addEventListener("mousemove", (ev) => {
      const drag = timeline.drag;
      if (!drag) return;
      const to = timeAt(ev.clientX);
      const a = timeline.x(Math.min(drag.from, to)), b = timeline.x(Math.max(drag.from, to));
      if (!drag.rect) {
        drag.rect = svgEl("rect", { y: timeline.pad.t, height: svg.clientHeight - timeline.pad.t - timeline.pad.b, class: "brush" });
        svg.append(drag.rect);
      }
      drag.rect.setAttribute("x", a);
      drag.rect.setAttribute("width", Math.max(1, b - a));
    });
    window.addEventListener("mouseup", (ev) => {
      const drag = timeline.drag;
      timeline.drag = null;
      if (!drag || !drag.rect) return;
      const to = timeAt(ev.clientX);
      const iso = (t) => new Date(t).toISOString().slice(0, 10);
      $("f-since").value = iso(Math.min(drag.from, to));
      $("f-until").value = iso(Math.max(drag.from, to) - 1);
      applyFilters({ keepTimeline: true });
    });
    $("brush-clear").addEventListener("click", () => {
      $("f-since").value = "";
      $("f-until").value = "";
      applyFilters({ keepTimeline: true });
    });
  }

  // --- the event panel --------------------------------------------------------------------

  function resolved(e, field) {
    const loc = e.location || {};
    const f = e.fatalities || {};
    switch (field) {
      case "event": return [e.event_type, e.sub_event_type].filter(Boolean).join(": ");
      case "actor1": return e.actor1;
      case "actor2": return e.actor2;
      case "location": return loc.name ? place(e) : null;
      case "event_date": return e.event_date;
      case "fatalities": {
        const range = f.low !== null && f.low !== undefined && f.high !== f.low
          ? ` (reported ${f.low}-${f.high})` : "";
        return f.acled === undefined ? null : `${f.acled}${range}`;
      }
      default: return e[field];
    }
  }

  function counted(claim) { return !(claim.review && claim.review.verdict === "rejected"); }

  // A field is contested when the claims still standing (not rejected) give different values.
  function contested(claims) {
    return new Set(claims.filter(counted).map((c) => c.value)).size > 1;
  }

  function sourceLabel(s) {
    return el("span", { class: "source" },
      el("span", { class: "source-name" }, s.name || "unnamed source"),
      s.kind ? el("span", { class: "source-kind" }, s.kind) : null,
      s.via ? el("span", { class: "source-via" }, "via " + s.via) : null);
  }

  async function openEvent(eventId) {
    try {
      const e = await api("/api/events/" + encodeURIComponent(eventId));
      showEvent(e);
    } catch (err) { notice(err.message, "error"); }
  }

  function showEvent(e) {
    state.event = e;
    $("list-view").hidden = true;
    $("event-view").hidden = false;
    $("event-title").textContent = e.sub_event_type || e.event_type || "Event";
    $("event-json").href = "/api/events/" + encodeURIComponent(e.event_id);
    const body = $("event-body");
    const claims = e.claims || [];
    const corrections = e.corrections || {};
    const sections = FIELDS.filter((f) => claims.some((c) => c.field === f) || resolved(e, f) || corrections[f])
      .map((f) => fieldSection(e, f, claims.filter((c) => c.field === f),
                               corrections[CORRECTABLE[f]] || (f === "event" ? corrections.event_type : null)));
    body.replaceChildren(
      el("div", { class: "event-meta" },
        el("span", { class: "dot big", style: `background:${colour(e.event_type)}` }),
        el("div", {},
          el("div", { class: "meta-line" }, el("strong", {}, e.event_date || "undated"), " · ", place(e)),
          el("div", { class: "meta-line" }, gradeBadge(e.grade), " ", e.role === "background" ? "background event · " : "",
             `${(e.sources || []).length} sources · ${claims.length} claims · id ${e.event_id}`))),
      e.notes ? el("p", { class: "notes" }, e.notes) : null,
      el("div", { class: "fields" }, sections),
      documentsSection(e),
      el("section", { id: "audit", class: "audit" }));
    remember();
    highlightMarker(e);
    loadAudit(e.event_id);
  }

  function fieldSection(e, field, claims, correction) {
    const isContested = contested(claims) || (e.grade === "contested" && field === "actor1" && claims.length > 1);
    const head = el("div", { class: "field-head" },
      el("h3", {}, FIELD_LABELS[field] || field),
      isContested ? el("span", { class: "badge contested", title: "sources give different values" }, "contested") : null,
      el("span", { class: "count" }, `${claims.length} claim${claims.length === 1 ? "" : "s"}`));
    const value = el("div", { class: "field-value" + (correction ? " corrected" : "") },
      el("span", { class: "label" }, correction ? "corrected:" : "coded:"),
      el("span", { class: "value" }, correction ? shownValue(correction.value) : resolved(e, field) || "unknown"),
      correction ? el("span", { class: "badge verdict-accepted" }, `corrected by ${correction.reviewer || "?"}`) : null,
      correction && correction.at ? el("span", { class: "who" }, correction.at.slice(0, 16).replace("T", " ")) : null);
    const rows = el("ul", { class: "claims" }, claims.map((c) => claimRow(e, c)));
    const form = correctionForm(e, field);
    // Sources that all agree are folded away; competing claims always stay in view.
    const list = !isContested && claims.length > 2
      ? el("details", { class: "agree" }, el("summary", {}, `${claims.length} claims agree: show them`), rows)
      : rows;
    return el("section", { class: "field" + (isContested ? " is-contested" : ""), dataset: { field } },
      head, value, list, form);
  }

  function shownValue(v) {
    if (v === null || v === undefined) return "none";
    if (typeof v !== "object") return String(v);
    if ("name" in v) return v.name;
    if ("acled" in v) return v.low !== null && v.high !== null && v.low !== v.high
      ? `${v.acled} (${v.low}-${v.high})` : String(v.acled);
    return JSON.stringify(v);
  }

  // What a reviewer types, in the form the API takes for the field.
  function typedValue(field, text) {
    if (field === "fatalities" && /^\d+$/.test(text)) return parseInt(text, 10);
    return text;
  }

  function claimRow(e, c) {
    const verdict = c.review && c.review.verdict;
    const shown = c.text && c.text !== c.value ? [el("span", { class: "claim-value" }, c.value),
      el("span", { class: "claim-text" }, `"${c.text}"`)] : [el("span", { class: "claim-value" }, c.value)];
    return el("li", { class: "claim" + (verdict ? " review-" + verdict : ""),
                      dataset: { claimId: c.claim_id || "", field: c.field, source: (c.source || {}).name || "" } },
      el("div", { class: "claim-main", title: "show the sentence in the report",
                  onclick: () => showReport(c) },
        el("div", {}, shown),
        el("div", { class: "claim-by" }, sourceLabel(c.source || {}),
           el("span", { class: "stance stance-" + c.stance }, c.stance))),
      el("div", { class: "claim-review" },
        verdict ? el("span", { class: "badge verdict-" + verdict },
                     `${verdict} by ${c.review.reviewer || "?"}`) : null,
        c.claim_id ? el("button", { type: "button", class: "small ok", title: "accept this claim",
                                    onclick: () => review(e, c, "accepted") }, "accept") : null,
        c.claim_id ? el("button", { type: "button", class: "small no", title: "reject this claim",
                                    onclick: () => review(e, c, "rejected") }, "reject") : null));
  }

  function correctionForm(e, field) {
    const input = el("input", { name: "value", placeholder: "corrected value", size: 22 });
    const note = el("input", { name: "note", placeholder: "why (note)", size: 18 });
    const form = el("form", { class: "correct", onsubmit: async (ev) => {
      ev.preventDefault();
      if (!input.value.trim()) return;
      try {
        const name = CORRECTABLE[field] || field;
        const updated = await post(`/api/events/${encodeURIComponent(e.event_id)}/corrections`,
                                   { field: name, value: typedValue(name, input.value.trim()),
                                     note: note.value.trim() || null });
        notice(`Corrected ${field}.`, "ok");
        showEvent(updated);
      } catch (err) { notice(err.message, "error"); }
    } }, input, note, el("button", { type: "submit", class: "small" }, "correct"));
    return el("details", { class: "correct-box" }, el("summary", {}, "correct this field"), form);
  }

  async function review(e, c, verdict) {
    try {
      const updated = await post(
        `/api/events/${encodeURIComponent(e.event_id)}/claims/${encodeURIComponent(c.claim_id)}/review`,
        { verdict, note: null });
      notice(`Claim by ${(c.source || {}).name} ${verdict}.`, "ok");
      showEvent(updated);
    } catch (err) { notice(err.message, "error"); }
  }

  function documentsSection(e) {
    const docs = e.documents || [];
    if (!docs.length) return null;
    return el("section", { class: "documents" },
      el("h3", {}, "Reports"),
      el("ul", {}, docs.map((d) => el("li", {},
        el("a", { href: "#", onclick: (ev) => { ev.preventDefault(); showReport({ evidence: { doc_id: d.id } }); } },
           d.title || d.outlet || d.id),
        " ", el("span", { class: "muted" }, [d.outlet, (d.published || "").slice(0, 10)].filter(Boolean).join(", ")),
        " ", el("a", { class: "json", href: "/api/documents/" + encodeURIComponent(d.id), target: "_blank" }, "JSON")))),
      mergeSplit(e));
  }

  function mergeSplit(e) {
    const other = el("input", { placeholder: "other event id", size: 18 });
    const docs = (e.documents || []).map((d) => el("label", { class: "doc-pick" },
      el("input", { type: "checkbox", value: d.id }), " ", d.title || d.outlet || d.id));
    const act = async (url, payload, done) => {
      try { showEvent(await post(url, payload)); notice(done, "ok"); loadEvents(); }
      catch (err) { notice(err.message, "error"); }
    };
    const base = `/api/events/${encodeURIComponent(e.event_id)}`;
    return el("details", { class: "merge-split" }, el("summary", {}, "merge or split"),
      el("form", { onsubmit: (ev) => { ev.preventDefault(); if (other.value.trim()) act(base + "/merge", { other: other.value.trim() }, "Merged."); } },
        other, el("button", { type: "submit", class: "small" }, "merge into this event")),
      docs.length > 1 ? el("form", { onsubmit: (ev) => {
        ev.preventDefault();
        const picked = docs.map((l) => l.querySelector("input")).filter((i) => i.checked).map((i) => i.value);
        if (picked.length) act(base + "/split", { documents: picked }, "Split.");
      } }, docs, el("button", { type: "submit", class: "small" }, "split these reports off")) : null);
  }

  async function showReport(claim) {
    const ev = claim.evidence || {};
    if (!ev.doc_id) return;
    const box = $("report");
    const url = "/api/documents/" + encodeURIComponent(ev.doc_id);
    try {
      const doc = state.docs[ev.doc_id] || (state.docs[ev.doc_id] = await api(url));
      const text = doc.text || "";
      const start = Number.isInteger(ev.start) ? ev.start : -1;
      const end = Number.isInteger(ev.end) ? ev.end : -1;
      const parts = [];
      if (start >= 0 && end > start && end <= text.length) {
        parts.push(text.slice(0, start), evidenceMark(text.slice(start, end), claim.text), text.slice(end));
      } else parts.push(text);
      box.replaceChildren(
        el("div", { class: "view-head" }, el("h3", {}, doc.title || "Report"),
           el("span", { class: "muted" }, [doc.outlet, (doc.published || "").slice(0, 10)].filter(Boolean).join(", ")),
           el("a", { class: "json", href: url, target: "_blank" }, "JSON"),
           el("button", { type: "button", class: "quiet small", onclick: () => { box.hidden = true; } }, "close")),
        claim.source ? el("p", { class: "report-claim" }, "Evidence for ", el("strong", {}, claim.value || ""),
                          " from ", sourceLabel(claim.source), ", ", el("span", { class: "stance stance-" + claim.stance }, claim.stance)) : null,
        el("div", { class: "report-text" }, parts));
      box.hidden = false;
      const mark = box.querySelector("mark");
      (mark || box).scrollIntoView({ block: "center", behavior: "smooth" });
    } catch (err) { notice(err.message, "error"); }
  }

  // The sentence is marked; inside it, the words the claim rests on are marked more strongly.
  function evidenceMark(sentence, words) {
    const at = words ? sentence.indexOf(words) : -1;
    if (at < 0) return el("mark", { class: "evidence" }, sentence);
    return el("mark", { class: "evidence" }, sentence.slice(0, at),
              el("strong", { class: "evidence-words" }, words), sentence.slice(at + words.length));
  }

  async function loadAudit(eventId) {
    const box = $("audit");
    const url = `/api/events/${encodeURIComponent(eventId)}/audit`;
    let body;
    try { body = await api(url); } catch (err) { box.replaceChildren(); return; }
    const records = body.audit || [];
    box.replaceChildren(el("div", { class: "view-head" }, el("h3", {}, "Review history"),
                           el("a", { class: "json", href: url, target: "_blank" }, "JSON")),
      records.length ? el("ol", { class: "audit-list" }, records.map(auditLine))
        : el("p", { class: "muted" }, "No review yet."));
  }

  function auditLine(r) {
    const when = (r.at || "").slice(0, 16).replace("T", " ");
    const after = r.after || {};
    const before = r.before || {};
    let detail = "";
    if (after.review) detail = `claim ${after.review.verdict}`;
    else if (after.field) detail = `${after.field}: ${shownValue(before.value)} \u2192 ${shownValue(after.value)}`;
    else if (r.action === "merge") detail = `merged ${before.other || ""}`;
    return el("li", { dataset: { action: r.action } }, el("span", { class: "muted" }, when), " ",
              el("strong", {}, r.reviewer || "?"), " ", el("span", { class: "badge" }, r.action), " ", detail,
              r.note ? el("span", { class: "muted" }, ` (${r.note})`) : null);
  }

  let highlighted = null;
  function highlightMarker(e) {
    if (!map) return;
    if (highlighted) { highlighted.remove(); highlighted = null; }
    const loc = e.location;
    if (!loc || typeof loc.lat !== "number") return;
    highlighted = L.circleMarker([loc.lat, loc.lon], { radius: 16, color: "#111", weight: 2, fill: false })
      .addTo(map);
  }

  function closeEvent() {
    state.event = null;
    $("report").hidden = true;
    $("event-view").hidden = true;
    $("list-view").hidden = false;
    if (highlighted) { highlighted.remove(); highlighted = null; }
    remember();
  }

  // --- wiring -----------------------------------------------------------------------------

  async function applyFilters(options) {
    state.offset = 0;
    state.fit = true;
    notice("");
    closeEvent();
    try {
      await Promise.all([loadEvents(), (options || {}).keepTimeline ? null : loadTimeline()]);
      if ((options || {}).keepTimeline) drawTimeline();
    } catch (err) { notice(err.message, "error"); }
  }

  async function start() {
    const missing = document.querySelector('meta[name="reportedly-vendor-missing"]').content.trim();
    if (missing && !missing.startsWith("{{")) {
      notice(`The map's libraries are not built (${missing}): run \`make setup\`. The API and the rest of the page work.`, "warn");
    }
    const key = $("api-key");
    key.value = apiKey();
    key.addEventListener("change", () => sessionStorage.setItem("reportedly-api-key", key.value.trim()));
    $("filters").addEventListener("submit", (ev) => { ev.preventDefault(); applyFilters(); });
    $("clear").addEventListener("click", () => { $("filters").reset(); applyFilters(); });
    $("back").addEventListener("click", closeEvent);
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); loadEvents().catch((e) => notice(e.message, "error")); });
    $("next").addEventListener("click", () => { state.offset += PAGE; loadEvents().catch((e) => notice(e.message, "error")); });
    window.addEventListener("resize", drawTimeline);
    const eventId = restore();
    initMap();
    initBrush();
    try {
      await Promise.all([loadEvents(), loadTimeline()]);
      if (eventId) await openEvent(eventId);
      fillCountries();
    } catch (err) { notice(err.message, "error"); }
    document.body.dataset.ready = "1";
  }

  function fillCountries() {
    const names = new Set(state.events.map((e) => (e.location || {}).country).filter(Boolean));
    $("countries").replaceChildren(...[...names].sort().map((n) => el("option", { value: n })));
  }

  start();
})();
