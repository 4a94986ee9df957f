/* The zone editor's search box and the hole a user came to fix. Search: grid code, zone name,
 * owner name or "lon,lat" among the zones the editor shows → the map goes there and selects the
 * zone (another layer's zone opens that layer). Hole: opened from a blind spot or overlap row of
 * /coverage/ (?focus=w,s,e,n&piece=blind|overlap), the layer's pieces there are drawn above the
 * zones. Uses window.gmeditor (editor.js); texts from Django's JavaScript catalogue. */
(function () {
  "use strict";
  const ed = window.gmeditor;
  if (!ed || !ed.map) return;
  const { cfg, state, map, call, say, problem, m2, fmt } = ed;
  const L10N = window.gmL10n;
  const $ = (sel) => document.querySelector(sel);

  /* ---- search: grid code, zone name, owner, or lon,lat → go there (and select the zone) ---- */
  let findTimer = null;
  const found = $("#search-results");
  async function find(q) {
    const got = await call("GET", `/editor/plans/${cfg.plan.id}/search?q=${encodeURIComponent(q)}`);
    found.replaceChildren();
    if (!got.results.length) say(fmt(gettext("未找到“%(q)s”"), { q }), "error", "search");
    for (const r of got.results) {
      const li = document.createElement("li");
      const btn = document.createElement("button");
      btn.type = "button";
      btn.innerHTML = "<b></b> <span></span><br><small></small>";
      btn.querySelector("b").textContent = r.code || r.name;
      btn.querySelector("span").textContent = r.code ? r.name : "";
      btn.querySelector("small").textContent = [r.layer || r.region, r.owner].filter(Boolean).join(" · ");
      btn.addEventListener("click", () => goTo(r));
      li.appendChild(btn);
      found.appendChild(li);
    }
    return got.results;
  }
  function goTo(r) {
    const [w, s, e, n] = r.bbox;
    if (r.kind === "zone" && r.layer_id !== cfg.layer.id) {  // another layer: open it there
      window.location.assign(`/editor/?plan=${cfg.plan.id}&layer=${r.layer_id}&focus=${r.bbox.join(",")}`);
      return;
    }
    state.pendingSelect = r.kind === "zone" ? r.id : null;
    if (r.kind === "point") map.setView([n, e], Math.max(map.getZoom(), 18));
    else map.fitBounds([[s, w], [n, e]], { maxZoom: 18, padding: [30, 30] });
    found.replaceChildren();
    say(fmt(gettext("已定位到 %(name)s"), { name: r.code ? `${r.code} ${r.name}` : r.name }), "ok", "search");
  }
  $("#zone-search").addEventListener("input", (ev) => {
    clearTimeout(findTimer);
    const q = ev.target.value.trim();
    if (!q) { found.replaceChildren(); return; }
    findTimer = setTimeout(() => find(q).catch(problem), 250);
  });
  $("#search-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearTimeout(findTimer);
    const q = $("#zone-search").value.trim();
    if (!q) return;
    try {
      const results = await find(q);
      if (results.length) goTo(results[0]);
    } catch (err) { problem(err); }
  });

  /* ---- the hole the user came to fix (from the coverage page): drawn above the zones ---- */
  async function drawHole() {
    map.createPane("hole").style.zIndex = 440;
    map.getPane("hole").style.pointerEvents = "none";
    const got = await call("GET", `/editor/layers/${cfg.layer.id}/pieces.geojson?bbox=${cfg.focus.join(",")}&kind=${cfg.piece}`);
    const colour = cfg.piece === "blind" ? "#d92d20" : "#f79009";
    state.hole = L.geoJSON(got, {
      pane: "hole", interactive: false, pmIgnore: true, snapIgnore: true,
      style: { color: colour, weight: 3, dashArray: "6 4", fillColor: colour, fillOpacity: 0.35 },
    }).addTo(map);
    const n = got.features.length;
    const area = got.features.reduce((sum, f) => sum + f.properties.area_m2, 0);
    const text = cfg.piece === "blind"
      ? ngettext("红色虚线为要修复的盲区（%(n)s 处，%(area)s）", "红色虚线为要修复的盲区（%(n)s 处，%(area)s）", n)
      : ngettext("橙色虚线为要修复的重叠（%(n)s 处，%(area)s）", "橙色虚线为要修复的重叠（%(n)s 处，%(area)s）", n);
    say(fmt(text, { n: L10N.number(n), area: m2(area) }), "", "hole");
  }

  if (cfg.focus && cfg.piece) map.whenReady(() => drawHole().catch(problem));
})();
