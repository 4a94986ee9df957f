/* The district map: zone layers limited to the view, issues, stations, coverage, search, panel.
   Every zone layer is fetched as GeoJSON for the (slightly padded) view and zoom, and drawn on
   one canvas: finer layers above coarser ones, so a click picks the finest zone under it. */
(function () {
  "use strict";

  const T = window.GRIDMGR_MAP_STRINGS;
  const L10N = window.gmL10n; // numbers and dates of the active language (l10n.js)
  const cfg = JSON.parse(document.getElementById("map-config").textContent);
  const BASE = document.body.dataset.base;
  const ISSUE_URL = document.body.dataset.issueUrl;
  const STAFF = document.body.dataset.staff === "1";
  const STATE_COLOUR = { owned: "#2f9e44", unowned: "#e03131", overlap: "#f08c00" };
  const STATUS_COLOUR = cfg.status_colours; // one palette with /issues/map/ (status_palette.py)
  const LINE_COLOUR = ["#1c3d5a", "#7048e8", "#0b7285", "#5c940d"];
  const PAD = 0.1; // fetch a little more than the view, so that small pans need no request

  const $ = (sel) => document.querySelector(sel);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const bboxOf = (b) => [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
    .map((v) => v.toFixed(5)).join(",");
  const boundsOf = (bb) => L.latLngBounds([bb[1], bb[0]], [bb[3], bb[2]]);
  const ownerColour = (id) => `hsl(${(id * 137.508) % 360}, 62%, 52%)`;
  const issueUrl = (id) => ISSUE_URL.replace("/0/", `/${id}/`);

  const map = L.map("map", { preferCanvas: true, maxZoom: cfg.max_zoom, zoomSnap: 0.25 });
  // Requests use whole zooms: the floor simplifies a little more and never shows grids too early.
  const zoomLevel = () => Math.floor(map.getZoom());
  const renderer = L.canvas({ padding: PAD, tolerance: 3 });
  cfg.basemap.forEach((t) => L.tileLayer(t.url, t).addTo(map));

  let pending = 0;
  let problem = "";
  function showStatus() {
    $("#status").textContent = `${T.zoom} ${zoomLevel()}` +
      (pending ? ` · ${T.loading}` : "") + (problem ? ` · ${problem}` : "");
  }
  async function getJSON(url, signal) {
    pending += 1;
    showStatus();
    try {
      const r = await fetch(url, { signal, credentials: "same-origin" });
      if (!r.ok) throw new Error(`${r.status}`);
      problem = "";
      return await r.json();
    } finally {
      pending -= 1;
      showStatus();
    }
  }
  function failed(e) {
    if (e.name === "AbortError") return;
    problem = T.failed;
    showStatus();
  }

  /* ---- zone layers (from the Layer rows, top first) ---- */
  let mode = "state";
  let finest = null; // the finest layer drawn now: only it is filled (colour by state or owner)
  const zones = cfg.layers.map((def, index) => {
    const z = { def, index, on: true, count: 0, meta: null, loaded: null, zoom: null, ctl: null };
    z.group = L.geoJSON(null, { renderer, style: (f) => zoneStyle(z, f) })
      .bindTooltip((l) => esc(l.feature.properties.code), { sticky: true, direction: "top" })
      .on("click", (e) => openPanel(e.layer.feature.id))
      .addTo(map);
    return z;
  });
  function restyle() {
    zones.forEach((z) => z.group.setStyle((f) => zoneStyle(z, f)));
  }
  function updateFinest() {
    const before = finest;
    finest = zones.filter((z) => z.on && z.count > 0).pop() || null;
    if (finest !== before) restyle();
  }

  function zoneStyle(z, f) {
    const p = f.properties;
    const last = z.index === zones.length - 1;
    const top = z === finest;
    let fill = null;
    if (mode === "owner") {
      if (top) fill = p.owner == null ? "#ced4da" : ownerColour(p.owner);
    } else if (p.state !== "owned" || top) {
      fill = STATE_COLOUR[p.state];
    }
    return {
      color: last ? "#495057" : LINE_COLOUR[z.index % LINE_COLOUR.length],
      weight: last ? 0.7 : Math.max(1.5, 3.5 - z.index),
      opacity: 0.9,
      fill: fill !== null,
      fillColor: fill || "#000",
      fillOpacity: fill === null ? 0 : (mode === "state" && p.state !== "owned" ? 0.45 : 0.25),
    };
  }

  function hint(z) {
    const m = z.meta;
    let text = "";
    if (z.on && m && m.hidden === "zoom") text = T.zoomIn(m.min_zoom);
    else if (z.on && m && m.truncated) text = T.truncated;
    else if (z.on && m) text = L10N.number(m.count);
    $(`[data-hint="${z.def.id}"]`).textContent = text;
  }

  async function refreshZones(z, force) {
    if (!z.on) return;
    const view = map.getBounds();
    const zoom = zoomLevel();
    if (!force && z.loaded && z.zoom === zoom && z.loaded.contains(view)) return;
    const b = view.pad(PAD);
    if (z.ctl) z.ctl.abort();
    z.ctl = new AbortController();
    try {
      const url = `${BASE}layers/${z.def.id}.geojson?bbox=${bboxOf(b)}&zoom=${zoom}`;
      const data = await getJSON(url, z.ctl.signal);
      z.group.clearLayers();
      z.group.addData(data);
      Object.assign(z, { meta: data.meta, count: data.features.length, loaded: b, zoom });
      restack(z.index + 1);
      updateFinest();
      hint(z);
      legend();
    } catch (e) {
      failed(e);
    }
  }

  /* ---- regions: outlines and labels for context (also without a base map) ---- */
  const regions = { on: true, loaded: null, zoom: null, ctl: null };
  regions.group = L.geoJSON(null, {
    renderer,
    interactive: false,
    style: (f) => ({
      color: "#1c3d5a", fill: false, opacity: 0.9,
      weight: { district: 3.5, subdistrict: 2 }[f.properties.level] || 1,
      dashArray: f.properties.level === "district" ? null : "6 4",
    }),
  }).addTo(map);
  regions.labels = L.layerGroup().addTo(map);

  async function refreshRegions(force) {
    const view = map.getBounds();
    const zoom = zoomLevel();
    if (!regions.on || (!force && regions.loaded && regions.zoom === zoom &&
        regions.loaded.contains(view))) return;
    const b = view.pad(PAD);
    if (regions.ctl) regions.ctl.abort();
    regions.ctl = new AbortController();
    try {
      const data = await getJSON(`${BASE}regions.geojson?bbox=${bboxOf(b)}&zoom=${zoom}`,
        regions.ctl.signal);
      regions.group.clearLayers();
      regions.group.addData(data);
      regions.labels.clearLayers();
      const levels = new Set(data.features.map((f) => f.properties.level));
      const show = zoom >= 15 && levels.has("community") ? "community" : "subdistrict";
      data.features.filter((f) => f.properties.level === show).forEach((f) => {
        const [lon, lat] = f.properties.label;
        const icon = L.divIcon({ className: `gm-label ${show}`, html: esc(f.properties.name),
          iconSize: null });
        L.marker([lat, lon], { icon, interactive: false, keyboard: false }).addTo(regions.labels);
      });
      Object.assign(regions, { loaded: b, zoom });
      restack(zones.length);
    } catch (e) {
      failed(e);
    }
  }

  /* ---- coverage: blind spots and overlaps of the district, per layer ---- */
  const coverage = { blind: true, overlap: true, data: null };
  coverage.group = L.geoJSON(null, {
    renderer,
    filter: (f) => coverage[f.properties.kind] &&
      zones.some((z) => z.on && z.def.id === f.properties.layer),
    style: (f) => (f.properties.kind === "blind"
      ? { color: "#c92a2a", weight: 2, dashArray: "4 3", fillColor: "#c92a2a", fillOpacity: 0.55 }
      : { color: "#5f3dc4", weight: 2, fillColor: "#7048e8", fillOpacity: 0.55 }),
    onEachFeature: (f, l) => {
      const p = f.properties;
      l.bindPopup(`<b>${esc(p.kind === "blind" ? T.blind : T.overlapPiece)}</b><br>` +
        `${esc(T.layer)}: ${esc(layerLabel(p.layer, p.layer_name))}<br>${esc(T.area)}: ${fmtArea(p.area_m2)}` +
        (p.zones.length ? `<br>${esc(T.zones)}: ${p.zones.map(esc).join(", ")}` : ""));
    },
  }).addTo(map);

  async function loadCoverage() {
    try {
      coverage.data = coverage.data || await getJSON(`${BASE}coverage.geojson`);
      drawCoverage();
    } catch (e) {
      failed(e);
    }
  }
  function drawCoverage() {
    coverage.group.clearLayers();
    if (coverage.data) coverage.group.addData(coverage.data);
    restack(zones.length);
  }

  /* ---- stations and issues (clustered) ---- */
  const stations = L.layerGroup().addTo(map);
  async function loadStations() {
    try {
      const data = await getJSON(`${BASE}stations.geojson`);
      L.geoJSON(data, {
        pointToLayer: (f, latlng) => L.marker(latlng, {
          icon: L.divIcon({ className: "gm-station", iconSize: [12, 12] }),
          title: f.properties.name,
        }),
        onEachFeature: (f, l) => {
          const p = f.properties;
          l.bindPopup(`<b>${esc(p.name)}</b><br>${esc(p.address)}<br>${esc(T.cadre)}: ` +
            `${esc(p.cadre || T.none)} ${p.phone ? `<a href="tel:${esc(p.phone)}">${esc(p.phone)}</a>` : ""}` +
            (p.zone ? `<br>${esc(T.packageArea)}: <a href="#zone=${p.zone}">${esc(p.zone_code)}</a>` : ""));
        },
      }).eachLayer((l) => stations.addLayer(l));
    } catch (e) {
      failed(e);
    }
  }

  const issues = { on: true, loaded: null, ctl: null, status: "open" };
  issues.group = L.markerClusterGroup({ chunkedLoading: true, maxClusterRadius: 50 }).addTo(map);
  async function refreshIssues(force) {
    const view = map.getBounds();
    if (!issues.on || (!force && issues.loaded && issues.loaded.contains(view))) return;
    const b = view.pad(0.5);
    if (issues.ctl) issues.ctl.abort();
    issues.ctl = new AbortController();
    try {
      const url = `${BASE}issues.geojson?bbox=${bboxOf(b)}&status=${issues.status}`;
      const data = await getJSON(url, issues.ctl.signal);
      const markers = data.features.map((f) => {
        const p = f.properties;
        const [lon, lat] = f.geometry.coordinates;
        const icon = L.divIcon({ className: "gm-issue", iconSize: [14, 14],
          html: `<span style="display:block;width:100%;height:100%;border-radius:50%;background:${STATUS_COLOUR[p.status] || "#495057"}"></span>` });
        const category = L10N.pick(p.category, p.category_en);
        return L.marker([lat, lon], { icon, title: category }).bindPopup(
          `<b>${esc(category)}</b> <span class="tag">${esc(cfg.statuses[p.status] || p.status)}</span>` +
          `<br>${esc(p.tracking || "#" + f.id)} · ${esc(L10N.time(p.reported))}` +
          `<br><a href="${issueUrl(f.id)}">${esc(T.details)}</a>` +
          (p.zone ? ` · <a href="#zone=${p.zone}">${esc(T.layer)}</a>` : ""));
      });
      issues.group.clearLayers();
      issues.group.addLayers(markers);
      issues.loaded = b;
    } catch (e) {
      failed(e);
    }
  }

  /* ---- stacking: coarse zones, fine zones, outlines, coverage, selection ---- */
  let selected = null;
  function restack(from) {
    // Canvas paths are drawn (and hit) in the order they were added: put back on top whatever
    // must lie above a layer that has just been redrawn.
    zones.slice(from).forEach((z) => z.group.eachLayer((l) => l.bringToFront()));
    regions.group.eachLayer((l) => l.bringToFront());
    coverage.group.eachLayer((l) => l.bringToFront());
    if (selected) selected.eachLayer((l) => l.bringToFront());
  }

  function refreshAll(force) {
    const done = [...zones.map((z) => refreshZones(z, force)), refreshRegions(force),
      refreshIssues(force)];
    showStatus();
    return Promise.all(done);
  }

  /* ---- legend ---- */
  function legend() {
    const rows = [];
    const sw = (style, cls, status) =>
      `<span class="sw ${cls || ""}"${status ? ` data-status="${status}"` : ""} style="${style}"></span>`;
    zones.filter((z) => z.on).forEach((z) => {
      const s = zoneStyle(z, { properties: { state: "owned", owner: null } });
      rows.push([sw(`border-top-color:${s.color};border-top-width:${Math.max(1, s.weight)}px`, "line"),
        esc(z.def.label)]);
    });
    rows.push([sw("border-top:2px dashed #1c3d5a", "line"), T.region]);
    if (mode === "state") {
      Object.entries(STATE_COLOUR).forEach(([k, c]) => rows.push([sw(`background:${c}`), T.state[k]]));
    } else {
      const owners = finest && finest.meta ? Object.entries(finest.meta.owners) : [];
      owners.slice(0, 8).forEach(([id, name]) =>
        rows.push([sw(`background:${ownerColour(Number(id))}`), esc(name)]));
      if (owners.length > 8) rows.push(["", T.moreOwners(owners.length - 8)]);
      rows.push([sw("background:#ced4da"), T.unownedOwner]);
    }
    rows.push([sw("background:#c92a2a;opacity:.7"), T.blind]);
    rows.push([sw("background:#7048e8;opacity:.7"), T.overlapPiece]);
    rows.push([sw("background:#1c7ed6;transform:rotate(45deg);flex-basis:12px;height:12px"), T.station]);
    const shown = $("#issue-status").value === "all" ? Object.keys(cfg.statuses) : cfg.open_statuses;
    shown.forEach((s) => rows.push([sw(`background:${STATUS_COLOUR[s]}`, "dot", s),
      `${T.issue}: ${esc(cfg.statuses[s])}`]));
    rows.push([sw("background:rgba(110,204,57,.7)", "dot"), T.cluster]);
    $("#legend").innerHTML = rows.map(([a, b]) => `<li>${a}<span>${b}</span></li>`).join("");
  }

  /* ---- toggles ---- */
  document.querySelectorAll("[data-toggle]").forEach((box) => box.addEventListener("change", () => {
    const on = box.checked;
    const kind = box.dataset.toggle;
    if (kind === "layer") {
      const z = zones.find((x) => String(x.def.id) === box.dataset.layer);
      z.on = on;
      if (on) {
        refreshZones(z, true);
      } else {
        Object.assign(z, { loaded: null, meta: null, count: 0 });
        z.group.clearLayers();
        updateFinest();
      }
      hint(z);
      drawCoverage();
      legend();
    } else if (kind === "regions") {
      regions.on = on;
      [regions.group, regions.labels].forEach((g) => (on ? g.addTo(map) : g.remove()));
      if (on) refreshRegions(true);
    } else if (kind === "stations") {
      if (on) stations.addTo(map);
      else stations.remove();
    } else if (kind === "issues") {
      issues.on = on;
      if (on) {
        issues.group.addTo(map);
        refreshIssues(true);
      } else {
        issues.group.remove();
      }
    } else {
      coverage[kind] = on;
      drawCoverage();
    }
  }));
  $("#issue-status").addEventListener("change", (e) => {
    issues.status = e.target.value;
    refreshIssues(true);
    legend();
  });
  document.querySelectorAll("input[name=colour]").forEach((r) => r.addEventListener("change", () => {
    mode = r.value;
    restyle();
    legend();
  }));

  /* ---- side panel of a zone ---- */
  const fmtArea = (m2) => L10N.area(m2);
  function layerLabel(id, fallback) {
    const def = cfg.layers.find((l) => l.id === id);
    return def ? def.label : fallback;
  }
  function ownerItem(o) {
    const contact = [o.phone && `<a href="tel:${esc(o.phone)}">${esc(o.phone)}</a>`,
      o.email && `<a href="mailto:${esc(o.email)}">${esc(o.email)}</a>`].filter(Boolean).join(" · ");
    return `<li><span class="tag">${esc(o.role_label)}</span><b>${esc(o.name)}</b>` +
      (o.organisation ? ` <span class="en">${esc(o.organisation)}</span>` : "") +
      `<br><span class="en">${esc(o.level)} ${esc(o.where)}</span>` + (contact ? `<br>${contact}` : "") + "</li>";
  }
  function issueItem(i) {
    return `<li><span class="tag open">${esc(i.status_label)}</span>` +
      `<a href="${esc(i.url)}">${esc(i.tracking || "#" + i.id)}</a> ${esc(i.category_label)}` +
      `<br><span class="en">${esc(L10N.time(i.reported_at))}</span></li>`;
  }
  function eventItem(e) {
    const values = { ...e, from: cfg.statuses[e.from_status] || e.from_status || "—",
      to: cfg.statuses[e.to_status] || e.to_status, action: e.action_label || e.action };
    const text = (T.event[e.kind] || (() => e.kind))(values);
    return `<li><span class="en">${esc(L10N.time(e.at))}</span><br>${esc(text)}</li>`;
  }
  const list = (items, fn) => (items.length ? `<ul>${items.map(fn).join("")}</ul>` : `<p class="en">${T.none}</p>`);

  function renderPanel(p) {
    const panel = $("#panel");
    panel.innerHTML = `<header><div><h2 id="panel-code">${esc(p.code)}</h2>${esc(p.name)}` +
      (p.lineage ? `<br><span class="en">${esc(p.lineage)}</span>` : "") + "</div>" +
      `<button class="close" type="button" aria-label="${esc(T.close)}">×</button></header>` +
      `<dl><dt>${T.layer}</dt><dd>${esc(p.layer.label)}</dd>` +
      `<dt>${T.area}</dt><dd>${fmtArea(p.area_m2)}</dd>` +
      `<dt>${T.regionName}</dt><dd>${esc(p.region || "—")}</dd>` +
      `<dt>${T.plan}</dt><dd>${esc(p.plan)}</dd>` +
      `<dt>${T.version}</dt><dd>v${p.version} · ${T.updated} ${esc(L10N.time(p.updated_at))}</dd></dl>` +
      (STAFF ? `<p><a href="${esc(p.admin_url)}">${T.edit}</a></p>` : "") +
      `<h3>${T.owners}</h3>${list(p.owners, ownerItem)}` +
      `<h3>${T.issues} <span class="en">${T.openOf(p.issues.open, p.issues.total)}</span></h3>` +
      list(p.issues.latest, issueItem) +
      `<h3>${T.history}</h3>${list(p.history, eventItem)}`;
    panel.hidden = false;
    panel.querySelector(".close").addEventListener("click", closePanel);
    map.invalidateSize();
  }
  function closePanel() {
    $("#panel").hidden = true;
    if (selected) selected.remove();
    selected = null;
    history.replaceState(null, "", location.pathname);
    map.invalidateSize();
  }

  async function openPanel(id, fit) {
    try {
      const p = await getJSON(`${BASE}zones/${id}/panel`);
      renderPanel(p);
      if (selected) selected.remove();
      selected = L.geoJSON(JSON.parse(p.geometry), { renderer, interactive: false,
        style: { color: "#f59f00", weight: 4, fill: false } }).addTo(map);
      if (fit) map.fitBounds(boundsOf(p.bbox), { maxZoom: 17 });
      history.replaceState(null, "", `#zone=${id}`);
    } catch (e) {
      failed(e);
    }
  }
  window.addEventListener("hashchange", fromHash);
  function fromHash() {
    const m = /zone=(\d+)/.exec(location.hash);
    if (m) openPanel(Number(m[1]), true);
  }

  /* ---- search ---- */
  let searchCtl = null;
  let found = [];
  let pointMarker = null;
  async function runSearch(q) {
    if (searchCtl) searchCtl.abort();
    if (!q.trim()) { $("#results").innerHTML = ""; return; }
    searchCtl = new AbortController();
    try {
      found = (await getJSON(`${BASE}search?q=${encodeURIComponent(q)}`, searchCtl.signal)).results;
      $("#results").innerHTML = found.length ? found.map((r, k) =>
        `<li role="option" data-k="${k}"><b>${esc(r.kind === "point" ? T.point : r.code)}</b> ${esc(r.name)}` +
        `<span class="where en">${esc(r.layer || r.region || "")} · ${esc(T.match[r.match] || "")}` +
        `${r.owner ? ": " + esc(r.owner) : ""}</span></li>`).join("")
        : `<li class="en">${T.noResults}</li>`;
    } catch (e) {
      failed(e);
    }
  }
  function choose(r) {
    $("#results").innerHTML = "";
    if (!r) return;
    if (r.kind === "point") {
      if (pointMarker) pointMarker.remove();
      pointMarker = L.marker([r.lat, r.lon], { icon: L.divIcon({ className: "gm-point", iconSize: [14, 14] }),
        title: r.name }).addTo(map);
      map.setView([r.lat, r.lon], Math.max(map.getZoom(), 17));
      const zone = found.find((x) => x.kind === "zone");
      if (zone) openPanel(zone.id, false);
    } else if (r.kind === "zone") {
      openPanel(r.id, true);
    } else {
      map.fitBounds(boundsOf(r.bbox));
    }
  }
  let timer = null;
  $("#search").addEventListener("input", (e) => {
    clearTimeout(timer);
    timer = setTimeout(() => runSearch(e.target.value), 250);
  });
  $("#search").addEventListener("keydown", async (e) => {
    if (e.key !== "Enter") return;
    clearTimeout(timer);
    await runSearch(e.target.value);
    choose(found[0]);
  });
  $("#results").addEventListener("click", (e) => {
    const li = e.target.closest("li[data-k]");
    if (li) choose(found[Number(li.dataset.k)]);
  });

  /* ---- start ---- */
  // ?bbox=minlon,minlat,maxlon,maxlat (links from the coverage page) zooms to that piece.
  const asked = (new URLSearchParams(location.search).get("bbox") || "").split(",").map(Number);
  if (asked.length === 4 && asked.every(Number.isFinite)) map.fitBounds(boundsOf(asked), { maxZoom: 18 });
  else if (cfg.bounds) map.fitBounds(boundsOf(cfg.bounds));
  else map.setView([39.9, 116.4], 12);
  // From here on: the initial view's own moveend would send every first request twice.
  map.on("moveend", () => refreshAll(false));
  legend();
  // The first complete draw is marked for bench/web.py: performance mark and body[data-drawn].
  Promise.all([refreshAll(true), loadCoverage(), loadStations()]).then(() =>
    requestAnimationFrame(() => {
      performance.mark("gridmgr:map-drawn");
      document.body.dataset.drawn = "1";
    }));
  fromHash();
  window.gridmap = { map, zones, regions, issues, coverage, openPanel, busy: () => pending > 0 };
})();
