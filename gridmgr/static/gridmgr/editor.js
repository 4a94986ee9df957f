/* The zone editor (/editor/?plan=&layer=): Leaflet + Leaflet-Geoman, snapping to neighbours.
 * Outline edits and deletions go to the REST API with the zone's version (409 when stale);
 * drawing, cut, split, merge, owners and the preview go to the editor's own endpoints.
 * window.gmeditor exposes the state to editor-preview.js and to the browser tests.
 * Texts from Django's JavaScript catalogue (gettext, Chinese message ids), numbers from l10n.js. */
(function () {
  "use strict";
  const cfg = JSON.parse(document.getElementById("editor-config").textContent);
  const root = document.getElementById("editor");
  const csrf = root.dataset.csrf;
  const $ = (sel) => document.querySelector(sel);
  const L10N = window.gmL10n;
  const fmt = (text, values) => interpolate(text, values, true);
  const SNAP_PX = 15;
  const roleLabel = Object.fromEntries(cfg.roles.map((r) => [r.value, r.label]));
  const STYLE = {
    edit: { color: "#175cd3", weight: 1.5, fillColor: "#84adff", fillOpacity: 0.18 },
    readonly: { color: "#667085", weight: 1, dashArray: "4 3", fillColor: "#d0d5dd", fillOpacity: 0.25 },
    unowned: { fillColor: "#fda29b", fillOpacity: 0.3 },
    selected: { color: "#dc6803", weight: 3, fillColor: "#fec84b", fillOpacity: 0.45 },
    context: { color: "#101828", weight: 2.5, fill: false, interactive: false },
  };
  const state = {
    me: null, busy: 0, selected: new Map(), mode: null, owner: null,
    lastCreated: null, lastPreview: null, lastError: null, cutter: null, activated: false,
  };
  const esc = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const m2 = (value) => `${L10N.number(value, 1)} m²`;
  const names = (list) => list.join(pgettext("list", "、"));
  window.gmeditor = { state, cfg, esc, m2, names, fmt, busy: () => state.busy > 0 };

  /* The status message; `tag` names it, so that what set it may clear it (and nothing else). */
  function say(text, kind, tag) {
    const el = $("#msg");
    el.textContent = text;
    el.className = kind || "";
    el.dataset.tag = tag || "";
  }

  /* A refused request: the server's words in the page's language (errors carry zh and en). */
  function problem(err) {
    state.lastError = err;
    const p = err.payload || {};
    const detail = L10N.pick(p.zh, p.en) || p.detail || "";
    if (err.status === 409 && (p.stale || /版本|version|changed/.test(p.detail || ""))) {
      say(fmt(gettext("该区域已被他人修改，请刷新后重试（%(detail)s）"), { detail }), "error");
    } else {
      say(detail || fmt(gettext("请求失败（%(status)s）"), { status: err.status || err.message }), "error");
    }
  }

  async function call(method, url, data) {
    state.busy += 1;
    try {
      const r = await fetch(url, {
        method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: data === undefined ? undefined : JSON.stringify(data),
      });
      const payload = r.status === 204 ? null : await r.json().catch(() => null);
      if (!r.ok) throw Object.assign(new Error(`HTTP ${r.status}`), { status: r.status, payload });
      return payload;
    } finally {
      state.busy -= 1;
    }
  }

  if (!cfg.is_centre) document.body.classList.add("not-centre");
  const draftForm = $("#draft-form");
  if (draftForm) {
    const now = new Date();
    const pad = (n) => String(n).padStart(2, "0");
    const local = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}`;
    $("#draft-name").value = fmt(gettext("草稿 %(time)s"), { time: L10N.time(local) });
    draftForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const layers = [...draftForm.querySelectorAll("input[name=layers]:checked")].map((i) => Number(i.value));
      try {
        const got = await call("POST", "/editor/drafts", { name: $("#draft-name").value, layers });
        say(gettext("草稿已创建"), "ok");
        window.location.assign(got.url);
      } catch (err) { problem(err); }
    });
  }
  const layerPick = $("#layer-pick");
  if (layerPick) {
    layerPick.addEventListener("change", () => {
      window.location.assign(`/editor/?plan=${cfg.plan.id}&layer=${layerPick.value}`);
    });
  }
  if (!cfg.plan || !cfg.layer) return;

  /* ---- the map, its zones and the context of the parent layer ---- */
  const map = L.map("map", { boxZoom: false, maxZoom: 21, zoomControl: false });
  L.control.zoom({ zoomInTitle: gettext("放大"), zoomOutTitle: gettext("缩小") }).addTo(map);
  window.gmeditor.map = map;
  const b = cfg.focus || cfg.bounds;
  if (!b) map.setView([39.92, 116.41], 13);
  else if (cfg.focus) map.fitBounds(L.latLngBounds([[b[1], b[0]], [b[3], b[2]]]).pad(0.5), { maxZoom: 18 });
  else map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
  // The parent layer's outlines stay above the zones being edited, and never catch the mouse.
  map.createPane("context").style.zIndex = 450;
  map.getPane("context").style.pointerEvents = "none";
  const zones = L.featureGroup().addTo(map);
  const context = L.featureGroup().addTo(map);
  const preview = L.featureGroup().addTo(map);
  const byId = new Map();
  Object.assign(window.gmeditor, { zones, byId, preview, call, say, problem, draftMode: cfg.plan.status === "draft" });
  const zonesUrl = (layerId) => `/editor/plans/${cfg.plan.id}/layers/${layerId}.geojson`;
  // The server says when the plan's layer is read-only for this user (and why): no drawing tools.
  let canEdit = !cfg.read_only;

  window.gmGeomanLang(map);  // Geoman's toolbar and hints in the page's language (editor-geoman.js)
  map.pm.setGlobalOptions({
    snappable: true, snapDistance: SNAP_PX, snapVertex: true, snapSegment: true,
    allowSelfIntersection: false, continueDrawing: false,
  });
  if (canEdit) {
    map.pm.addControls({
      position: "topleft", drawMarker: false, drawCircleMarker: false, drawPolyline: false,
      drawRectangle: false, drawCircle: false, drawText: false, rotateMode: false,
    });
  } else {
    document.body.classList.add("read-only");
  }
  window.gmeditor.setReadOnly = (reason) => {
    canEdit = false;
    disableModes();
    map.pm.removeControls();
    document.body.classList.add("read-only");
    for (const zone of byId.values()) zone.feature.properties.editable = false;
    let note = $("#read-only");
    if (!note) {
      note = Object.assign(document.createElement("p"), { id: "read-only", className: "note" });
      $("#layer-pick").after(note);
    }
    note.textContent = reason;
    renderSelection();
  };

  function styleOf(zone) {
    const p = zone.feature.properties;
    if (state.selected.has(zone.feature.id)) return STYLE.selected;
    const base = p.editable ? STYLE.edit : STYLE.readonly;
    return p.owners.length ? base : { ...base, ...STYLE.unowned };
  }

  function makeZone(feature) {
    const p = feature.properties;
    const depth = feature.geometry.type === "MultiPolygon" ? 2 : 1;
    const latlngs = L.GeoJSON.coordsToLatLngs(feature.geometry.coordinates, depth);
    // Read-only zones get no Geoman handle (pmIgnore) but stay snap targets (snapIgnore false).
    const zone = L.polygon(latlngs, { pmIgnore: !p.editable, snapIgnore: false });
    zone.feature = feature;
    zone.setStyle(styleOf(zone));
    const owners = names(p.owners.map((o) => o.name)) || pgettext("owner", "无责任人");
    const readOnly = p.editable ? "" : `<br>${esc(gettext("只读"))}`;
    zone.bindTooltip(`${esc(p.code)} ${esc(p.name)}<br>${esc(owners)}${readOnly}`, { sticky: true });
    zone.on("click", (ev) => onZoneClick(zone, ev));
    if (p.editable) {
      zone.pm.setOptions({ allowRotation: false });
      zone.on("pm:edit", () => { if (!zone._gmCut) save(zone); });
    }
    return zone;
  }

  async function loadContext() {
    context.clearLayers();
    const parent = cfg.layer.parent;
    if (!parent) return;
    const r = await call("GET", `${zonesUrl(parent)}?bbox=${bboxOf()}`);
    L.geoJSON(r, { style: STYLE.context, pane: "context", pmIgnore: true, snapIgnore: true, interactive: false }).addTo(context);
  }

  function bboxOf() {
    const v = map.getBounds().pad(0.25);
    return [v.getWest(), v.getSouth(), v.getEast(), v.getNorth()].join(",");
  }

  /* Replace every zone (after a structural change) or add the ones newly in view. */
  async function load(replace) {
    const data = await call("GET", `${zonesUrl(cfg.layer.id)}?bbox=${bboxOf()}&zoom=${map.getZoom()}`);
    if (data.meta.too_many) {
      say(fmt(gettext("视野内区域过多（%(n)s），请放大到 %(zoom)s 级以上编辑"),
        { n: L10N.number(data.meta.too_many), zoom: data.meta.min_zoom || "" }), "", "crowded");
    } else if ($("#msg").dataset.tag === "crowded") {
      say("", "");  // the view is no longer crowded: its warning goes
    }
    if (replace) {
      disableModes();
      zones.clearLayers();
      byId.clear();
    }
    for (const f of data.features) {
      const old = byId.get(f.id);
      if (old && !replace) continue;
      const zone = makeZone(f);
      byId.set(f.id, zone);
      zones.addLayer(zone);
    }
    for (const id of [...state.selected.keys()]) {
      if (!byId.has(id)) state.selected.delete(id); else state.selected.set(id, byId.get(id));
    }
    if (state.pendingSelect && byId.has(state.pendingSelect)) {  // a search result, now loaded
      state.selected.clear();
      state.selected.set(state.pendingSelect, byId.get(state.pendingSelect));
      state.pendingSelect = null;
    }
    renderSelection();
  }
  window.gmeditor.reload = () => load(true);

  function disableModes() {
    map.pm.disableDraw();
    if (map.pm.globalEditModeEnabled()) map.pm.disableGlobalEditMode();
    if (map.pm.globalDragModeEnabled()) map.pm.disableGlobalDragMode();
    if (map.pm.globalRemovalModeEnabled()) map.pm.disableGlobalRemovalMode();
    if (map.pm.globalCutModeEnabled()) map.pm.disableGlobalCutMode();
    setMode(null);
  }

  function anyMode() {
    return map.pm.globalDrawModeEnabled() || map.pm.globalEditModeEnabled() ||
      map.pm.globalDragModeEnabled() || map.pm.globalRemovalModeEnabled() || map.pm.globalCutModeEnabled();
  }

  let moveTimer = null;
  map.on("moveend", () => {
    clearTimeout(moveTimer);
    moveTimer = setTimeout(() => { load(false).catch(problem); loadContext().catch(problem); }, 150);
  });

  /* ---- saving outline edits (vertex moves, drags) through the API, one request at a time ---- */
  async function save(zone) {
    if (zone._saving) { zone._dirty = true; return; }
    zone._saving = true;
    const p = zone.feature.properties;
    try {
      const body = { type: "Feature", geometry: zone.toGeoJSON(false).geometry, properties: { version: p.version } };
      const got = await call("PATCH", `/api/zones/${zone.feature.id}/`, body);
      p.version = got.properties.version;
      p.area_m2 = got.properties.area_m2;
      say(fmt(gettext("已保存 %(code)s（版本 %(version)s）"), p), "ok");
    } catch (err) {
      problem(err);
      zone._dirty = false;
      zone._saving = false;
      await load(true);  // never keep a local outline the server refused
      return;
    }
    zone._saving = false;
    if (zone._dirty) { zone._dirty = false; save(zone); }
  }

  map.on("pm:create", async (e) => {
    const layer = e.layer;
    map.removeLayer(layer);
    const geometry = layer.toGeoJSON(false).geometry;
    const mode = state.mode;
    setMode(null);
    try {
      if (mode === "lasso") return lassoSelect(layer);
      if (mode === "split") {
        const zone = [...state.selected.values()][0];
        const got = await call("POST", `/editor/zones/${zone.feature.id}/split`, { geometry, version: zone.feature.properties.version });
        say(fmt(gettext("已分割：%(kept)s + 新区域 %(new)s"), { kept: got.kept.code, new: got.new.code }), "ok");
        state.selected.clear();
        await load(true);
        return;
      }
      const got = await call("POST", `/editor/plans/${cfg.plan.id}/layers/${cfg.layer.id}/zones`, { geometry });
      state.lastCreated = got;
      say(fmt(gettext("已新建区域 %(code)s（%(area)s）"), { code: got.code, area: m2(got.area_m2) }), "ok");
      state.selected.clear();
      await load(true);
      if (byId.has(got.id)) state.selected.set(got.id, byId.get(got.id));
      renderSelection();
    } catch (err) { problem(err); await load(true); }
  });

  map.on("pm:drawstart", (e) => { if (e.shape === "Cut") state.cutter = e.workingLayer; });
  map.on("pm:drawend", () => setMode(null));  // a draw left unfinished ends split or lasso too

  /* Geoman cuts on the client; the server cuts the stored outline with the same polygon. */
  map.on("pm:cut", (e) => {
    const zone = e.originalLayer;
    if (!zone.feature || zone._gmCut) return;
    zone._gmCut = true;
    if (e.layer && map.hasLayer(e.layer)) map.removeLayer(e.layer);
    const cutter = state.cutter.toGeoJSON(false).geometry;
    const ring = cutter.type === "LineString" ? [cutter.coordinates.concat([cutter.coordinates[0]])] : cutter.coordinates;
    state.cutJobs = (state.cutJobs || []).concat([
      call("POST", `/editor/zones/${zone.feature.id}/cut`, { geometry: { type: "Polygon", coordinates: ring }, version: zone.feature.properties.version }),
    ]);
    clearTimeout(state.cutTimer);
    state.cutTimer = setTimeout(async () => {
      const jobs = state.cutJobs;
      state.cutJobs = [];
      const results = await Promise.allSettled(jobs);
      const failed = results.find((r) => r.status === "rejected");
      const n = results.length;
      if (failed) problem(failed.reason);
      else say(fmt(ngettext("已剪切 %(n)s 个区域", "已剪切 %(n)s 个区域", n), { n: L10N.number(n) }), "ok");
      await load(true);
    }, 0);
  });

  map.on("pm:remove", async (e) => {
    const zone = e.layer;
    if (!zone.feature) return;
    const p = zone.feature.properties;
    try {
      await call("DELETE", `/api/zones/${zone.feature.id}/?version=${p.version}`);
      state.selected.delete(zone.feature.id);
      byId.delete(zone.feature.id);
      say(fmt(gettext("已删除 %(code)s"), p), "ok");
      renderSelection();
    } catch (err) { problem(err); await load(true); }
  });

  /* ---- selection: click, ctrl/shift-click, shift+drag box, lasso ---- */
  function onZoneClick(zone, ev) {
    if (anyMode()) return;
    const id = zone.feature.id;
    const add = ev.originalEvent && (ev.originalEvent.ctrlKey || ev.originalEvent.metaKey || ev.originalEvent.shiftKey);
    if (!add) state.selected.clear();
    if (add && state.selected.has(id)) state.selected.delete(id); else state.selected.set(id, zone);
    renderSelection();
  }

  function selectWhere(test) {
    for (const [id, zone] of byId) {
      const c = zone.feature.properties.centre;
      if (test(L.latLng(c[1], c[0]))) state.selected.set(id, zone);
    }
    renderSelection();
  }

  function inside(p, ring) {  // even–odd rule
    let hit = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const a = ring[i], c = ring[j];
      if ((a.lat > p.lat) !== (c.lat > p.lat) && p.lng < ((c.lng - a.lng) * (p.lat - a.lat)) / (c.lat - a.lat) + a.lng) hit = !hit;
    }
    return hit;
  }

  function lassoSelect(layer) {
    selectWhere((ll) => inside(ll, layer.getLatLngs()[0]));
    const n = state.selected.size;
    say(fmt(ngettext("已圈选 %(n)s 个区域", "已圈选 %(n)s 个区域", n), { n: L10N.number(n) }), "ok");
  }

  const box = { start: null, rect: null };
  map.getContainer().parentElement.addEventListener("mousedown", (ev) => {
    if (!ev.shiftKey || ev.button !== 0 || anyMode() || !map.getContainer().contains(ev.target)) return;
    map.dragging.disable();
    box.start = map.mouseEventToLatLng(ev);
    map.getContainer().classList.add("boxing");
  }, true);
  document.addEventListener("mousemove", (ev) => {
    if (!box.start) return;
    const bounds = L.latLngBounds(box.start, map.mouseEventToLatLng(ev));
    if (box.rect) box.rect.setBounds(bounds);
    else box.rect = L.rectangle(bounds, { color: "#dc6803", weight: 1, dashArray: "4 3", pmIgnore: true, snapIgnore: true, interactive: false }).addTo(map);
  });
  document.addEventListener("mouseup", (ev) => {
    if (!box.start) return;
    const bounds = L.latLngBounds(box.start, map.mouseEventToLatLng(ev));
    box.start = null;
    if (box.rect) { map.removeLayer(box.rect); box.rect = null; }
    map.getContainer().classList.remove("boxing");
    map.dragging.enable();
    selectWhere((ll) => bounds.contains(ll));
    const n = state.selected.size;
    say(fmt(ngettext("已框选，共选 %(n)s 个区域", "已框选，共选 %(n)s 个区域", n), { n: L10N.number(n) }), "ok");
  });

  function renderSelection() {
    for (const zone of byId.values()) zone.setStyle(styleOf(zone));
    const list = $("#sel-list");
    list.replaceChildren();
    for (const zone of state.selected.values()) {
      const p = zone.feature.properties;
      const li = document.createElement("li");
      const owners = names(p.owners.map((o) => fmt(gettext("%(name)s（%(role)s）"),
        { name: o.name, role: roleLabel[o.role] || o.role }))) || pgettext("owner", "无责任人");
      li.innerHTML = `<span class="code"></span> <span class="name"></span>${p.editable ? "" : `<span class="ro">${esc(gettext("只读"))}</span>`}<br><small class="muted"></small>`;
      li.querySelector(".code").textContent = p.code;
      li.querySelector(".name").textContent = p.name;
      li.querySelector("small").textContent = `${owners} · ${m2(p.area_m2)} · v${p.version}`;
      list.appendChild(li);
    }
    const n = state.selected.size;
    const editable = [...state.selected.values()].every((z) => z.feature.properties.editable);
    $("#sel-count").textContent = L10N.number(n);
    $("#assign").textContent = fmt(ngettext("为 %(n)s 个选中区域指定责任人", "为 %(n)s 个选中区域指定责任人", n), { n: L10N.number(n) });
    $("#assign").disabled = !canEdit || n === 0 || !editable || !(state.owner || $("#new-name").value.trim());
    $("#btn-merge").disabled = !canEdit || n !== 2 || !editable;
    $("#btn-split").disabled = !canEdit || n !== 1 || !editable;
  }

  function setMode(mode) {
    state.mode = mode;
    for (const name of ["split", "lasso"]) $(`#btn-${name}`).classList.toggle("on", mode === name);
  }

  $("#btn-clear").addEventListener("click", () => { state.selected.clear(); renderSelection(); });
  $("#btn-lasso").addEventListener("click", () => {
    disableModes();
    setMode("lasso");
    map.pm.enableDraw("Polygon", { snappable: false, allowSelfIntersection: true, pathOptions: { color: "#dc6803", dashArray: "4 3" } });
    say(gettext("在地图上圈出要选择的区域（区域中心在圈内即选中）"), "");
  });
  $("#btn-split").addEventListener("click", () => {
    disableModes();
    setMode("split");
    map.pm.enableDraw("Line", { snappable: true, snapDistance: SNAP_PX });
    say(gettext("从区域外画一条穿过区域的线，双击或点最后一点结束"), "");
  });
  $("#btn-merge").addEventListener("click", async () => {
    const [keep, other] = [...state.selected.values()];
    try {
      const got = await call("POST", "/editor/zones/merge", {
        keep: keep.feature.id, keep_version: keep.feature.properties.version,
        other: other.feature.id, other_version: other.feature.properties.version,
      });
      say(fmt(gettext("已合并为 %(code)s"), got.zone), "ok");
      state.selected.clear();
      await load(true);
    } catch (err) { problem(err); await load(true); }
  });

  /* ---- owners: search existing ones or a new person; one request for every selected zone ---- */
  let searchTimer = null;
  $("#owner-search").addEventListener("input", (ev) => {
    clearTimeout(searchTimer);
    const q = ev.target.value.trim();
    searchTimer = setTimeout(async () => {
      const list = $("#owner-results");
      list.replaceChildren();
      if (!q) return;
      const got = await call("GET", `/api/owners/?name=${encodeURIComponent(q)}&limit=8`).catch(problem);
      for (const o of (got && got.results) || []) {
        const li = document.createElement("li");
        const btn = document.createElement("button");
        btn.type = "button";
        btn.dataset.owner = o.id;
        btn.innerHTML = "<b></b> <span></span>";
        btn.querySelector("b").textContent = o.name;
        btn.querySelector("span").textContent = [o.organisation, o.phone].filter(Boolean).join(" · ");
        btn.addEventListener("click", () => chooseOwner(o));
        li.appendChild(btn);
        list.appendChild(li);
      }
    }, 200);
  });

  function chooseOwner(o) {
    state.owner = o;
    const el = $("#owner-chosen");
    el.textContent = o ? fmt(gettext("已选：%(name)s"), o) : gettext("未选择");
    el.classList.toggle("set", !!o);
    $("#owner-results").replaceChildren();
    renderSelection();
  }
  $("#new-name").addEventListener("input", () => { if ($("#new-name").value.trim()) chooseOwner(null); renderSelection(); });

  $("#owner-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = {
      zones: [...state.selected.values()].map((z) => [z.feature.id, z.feature.properties.version]),
      owner: state.owner ? state.owner.id : null,
      new: state.owner ? null : { name: $("#new-name").value, phone: $("#new-phone").value },
      role: $("#owner-role").value,
      valid_from: $("#valid-from").value,
    };
    try {
      const got = await call("POST", "/editor/owners", body);
      const n = got.zones.length;
      say(fmt(ngettext("已为 %(n)s 个区域指定责任人 %(owner)s", "已为 %(n)s 个区域指定责任人 %(owner)s", n),
        { n: L10N.number(n), owner: got.owner.name }), "ok");
      $("#new-name").value = $("#new-phone").value = "";
      chooseOwner(got.owner);
      await load(true);
    } catch (err) { problem(err); await load(true); }
  });

  /* ---- start: who am I, then the zones ---- */
  call("GET", "/api/me/").then((me) => {
    state.me = me;
    if (!me.is_centre) $("#btn-activate").disabled = true;
  }).catch(problem);
  map.whenReady(() => {
    load(true).catch(problem);
    loadContext().catch(problem);
  });
  renderSelection();
})();
