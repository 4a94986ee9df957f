/* The zone editor's preview and activation panel: the blind spots (red) and overlaps (orange)
 * the draft would leave, with m², and the open issues that would change hands; then the
 * centre activates the plan in one step (/api/plans/<id>/activate/). Uses window.gmeditor. */
(function () {
  "use strict";
  const ed = window.gmeditor;
  if (!ed || !ed.map) return;
  const { cfg, state, map, preview, call, say, problem, esc } = ed;
  const $ = (sel) => document.querySelector(sel);
  const m2 = (v) => `${Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 1 })} m²`;
  const COLOUR = { blind: "#d92d20", overlap: "#f79009" };
  const LABEL = { blind: "盲区 blind", overlap: "重叠 overlap" };

  function draw(list, kind) {
    const style = { color: COLOUR[kind], weight: 2, fillColor: COLOUR[kind], fillOpacity: 0.55 };
    for (const piece of list) {
      const zones = piece.zones.length ? ` · ${esc(piece.zones.join("、"))}` : "";
      L.geoJSON(piece.geometry, { style, pmIgnore: true, snapIgnore: true })
        .bindTooltip(`${LABEL[kind]} ${m2(piece.area_m2)}${zones}`, { sticky: true })
        .addTo(preview);
    }
  }

  function items(list, kind) {
    return list.map((p, k) => `<li data-kind="${kind}" data-k="${k}"><span class="${kind}">${LABEL[kind]} ${m2(p.area_m2)}</span> ${esc(p.zones.join("、"))} ${p.new ? '<span class="new">新 new</span>' : ""}</li>`).join("");
  }

  function moves(list) {
    if (!list.length) return "";
    const rows = list.map((m) => `<tr><td>${esc(m.layer)}</td><td>${esc(m.from_owner)}</td><td>→ ${esc(m.to_owner)}</td><td class="num">${m.count}</td></tr>`).join("");
    return `<table><tr><th>图层 layer</th><th>原 from</th><th>新 to</th><th class="num">件 n</th></tr>${rows}</table>`;
  }

  $("#btn-preview").addEventListener("click", async () => {
    try {
      const got = await call("GET", `/editor/plans/${cfg.plan.id}/layers/${cfg.layer.id}/preview`);
      state.lastPreview = got;
      const c = got.coverage;
      preview.clearLayers();
      draw(c.blind, "blind");
      draw(c.overlaps, "overlap");
      $("#preview").innerHTML = `
        <p class="sum">盲区 blind <b>${m2(c.now.blind_m2)}</b> → <b id="pv-blind">${m2(c.blind_m2)}</b><br>
        重叠 overlap <b>${m2(c.now.overlap_m2)}</b> → <b id="pv-overlap">${m2(c.overlap_m2)}</b><br>
        覆盖率 coverage ${c.coverage_pct.toFixed(3)}% · 无责任人 unowned ${c.unowned.length}</p>
        <ul id="pv-list">${items(c.blind, "blind")}${items(c.overlaps, "overlap")}</ul>
        <p>在办问题 open issues ${got.moves.open_issues}，将转移 would move <b id="pv-moved">${got.moves.moved}</b></p>
        ${moves(got.moves.moves)}`;
      $("#pv-list").addEventListener("click", (ev) => {
        const li = ev.target.closest("li");
        if (!li) return;
        const piece = (li.dataset.kind === "blind" ? c.blind : c.overlaps)[Number(li.dataset.k)];
        map.fitBounds(L.geoJSON(piece.geometry).getBounds(), { maxZoom: 18 });
      });
      say("预览已更新：红色为盲区，橙色为重叠 / preview updated: blind spots red, overlaps orange", "ok");
      $("#preview-box").scrollIntoView({ block: "nearest" });
    } catch (err) { problem(err); }
  });

  const activate = $("#btn-activate");
  activate.disabled = !ed.draftMode || !cfg.is_centre;
  activate.addEventListener("click", async () => {
    if (!window.confirm(`启用方案“${cfg.plan.name}”？ / activate plan '${cfg.plan.name}'?`)) return;
    try {
      const got = await call("POST", `/api/plans/${cfg.plan.id}/activate/`);
      state.activated = true;
      $("#plan-status").textContent = got.plan.status;
      say(`方案已启用，重新分派在办问题 ${got.rerouted} 件 / plan activated, ${got.rerouted} open issues routed again`, "ok");
      setTimeout(() => window.location.reload(), 1500);
    } catch (err) { problem(err); }
  });
})();
