/* The zone editor's preview and activation panel: the blind spots (red) and overlaps (orange)
 * the draft would leave, with m², and the open issues that would change hands; then the
 * centre activates the plan in one step (/api/plans/<id>/activate/). Uses window.gmeditor;
 * texts from Django's JavaScript catalogue, numbers from l10n.js. */
(function () {
  "use strict";
  const ed = window.gmeditor;
  if (!ed || !ed.map) return;
  const { cfg, state, map, preview, call, say, problem, esc, m2, names } = ed;
  const L10N = window.gmL10n;
  const $ = (sel) => document.querySelector(sel);
  const fmt = (text, values) => interpolate(text, values, true);
  const COLOUR = { blind: "#d92d20", overlap: "#f79009" };
  const LABEL = { blind: gettext("盲区"), overlap: gettext("重叠区") };
  // The moves name layers by their Chinese name; the page shows the English twin in English.
  const layerName = Object.fromEntries(cfg.layers.map((la) => [la.name, L10N.pick(la.name, la.name_en)]));

  function draw(list, kind) {
    const style = { color: COLOUR[kind], weight: 2, fillColor: COLOUR[kind], fillOpacity: 0.55 };
    for (const piece of list) {
      const zones = piece.zones.length ? ` · ${esc(names(piece.zones))}` : "";
      L.geoJSON(piece.geometry, { style, pmIgnore: true, snapIgnore: true })
        .bindTooltip(`${esc(LABEL[kind])} ${m2(piece.area_m2)}${zones}`, { sticky: true })
        .addTo(preview);
    }
  }

  function items(list, kind) {
    const fresh = `<span class="new">${esc(pgettext("preview", "新"))}</span>`;
    return list.map((p, k) => `<li data-kind="${kind}" data-k="${k}"><span class="${kind}">${esc(LABEL[kind])} ${m2(p.area_m2)}</span> ${esc(names(p.zones))} ${p.new ? fresh : ""}</li>`).join("");
  }

  /* One wording of the moves for the preview, the confirmation and the result (done). */
  function movedText(m, done) {
    const text = done
      ? ngettext("在办问题 %(open)s 件中，%(moved)s 件已换责任人（至少一个图层）", "在办问题 %(open)s 件中，%(moved)s 件已换责任人（至少一个图层）", m.moved)
      : ngettext("在办问题 %(open)s 件中，%(moved)s 件将换责任人（至少一个图层）", "在办问题 %(open)s 件中，%(moved)s 件将换责任人（至少一个图层）", m.moved);
    return fmt(esc(text), { open: L10N.number(m.open_issues), moved: `<b class="moved">${L10N.number(m.moved)}</b>` });
  }

  /* The plan's summary (plan_summary.summarise): per layer, then the moves. */
  function summaryHtml(sum, done) {
    const rows = sum.layers.map((la) => `<li data-layer="${esc(la.layer)}"><b>${esc(L10N.pick(la.layer, la.layer_en))}</b>: ` +
      esc(fmt(gettext("%(zones)s 个区域（新增 %(added)s，删除 %(removed)s，改形 %(redrawn)s）"), {
        zones: L10N.number(la.zones), added: L10N.number(la.added),
        removed: L10N.number(la.removed), redrawn: L10N.number(la.redrawn) })) +
      `<br>${esc(gettext("盲区面积"))} <span class="blind-before">${m2(la.blind_before_m2)}</span> → <span class="blind-after">${m2(la.blind_after_m2)}</span>` +
      ` · ${esc(gettext("重叠面积"))} ${m2(la.overlap_before_m2)} → ${m2(la.overlap_after_m2)}</li>`).join("");
    return `<ul class="summary">${rows}</ul><p class="moves">${movedText(sum, done)}</p>${moves(sum.moves)}`;
  }
  window.gmeditor.summaryHtml = summaryHtml;

  function moves(list) {
    if (!list.length) return "";
    const rows = list.map((m) => `<tr><td>${esc(layerName[m.layer] || m.layer)}</td><td>${esc(m.from_owner)}</td><td>→ ${esc(m.to_owner)}</td><td class="num">${L10N.number(m.count)}</td></tr>`).join("");
    const head = [gettext("图层"), gettext("原责任人"), gettext("新责任人"), gettext("件数")].map(esc);
    return `<table><tr><th>${head[0]}</th><th>${head[1]}</th><th>${head[2]}</th><th class="num">${head[3]}</th></tr>${rows}</table>`;
  }

  $("#btn-preview").addEventListener("click", async () => {
    try {
      const got = await call("GET", `/editor/plans/${cfg.plan.id}/layers/${cfg.layer.id}/preview`);
      state.lastPreview = got;
      const c = got.coverage;
      preview.clearLayers();
      draw(c.blind, "blind");
      draw(c.overlaps, "overlap");
      const b = (id, value) => `<b${id ? ` id="${id}"` : ""}>${value}</b>`;
      $("#preview").innerHTML = `
        <p class="sum">${esc(gettext("盲区面积"))} ${b("", m2(c.now.blind_m2))} → ${b("pv-blind", m2(c.blind_m2))}<br>
        ${esc(gettext("重叠面积"))} ${b("", m2(c.now.overlap_m2))} → ${b("pv-overlap", m2(c.overlap_m2))}<br>
        ${esc(fmt(gettext("覆盖率 %(pct)s · 无责任人区域 %(n)s"),
          { pct: `${L10N.number(c.coverage_pct, 3)}%`, n: L10N.number(c.unowned.length) }))}</p>
        <ul id="pv-list">${items(c.blind, "blind")}${items(c.overlaps, "overlap")}</ul>
        <p id="pv-moved">${movedText(got.moves, false)}</p>
        ${moves(got.moves.moves)}`;
      $("#pv-list").addEventListener("click", (ev) => {
        const li = ev.target.closest("li");
        if (!li) return;
        const piece = (li.dataset.kind === "blind" ? c.blind : c.overlaps)[Number(li.dataset.k)];
        map.fitBounds(L.geoJSON(piece.geometry).getBounds(), { maxZoom: 18 });
      });
      say(gettext("预览已更新：红色为盲区，橙色为重叠"), "ok");
      $("#preview-box").scrollIntoView({ block: "nearest" });
    } catch (err) { problem(err); }
  });

  const activate = $("#btn-activate");
  activate.disabled = !ed.draftMode || !cfg.is_centre;
  const dialog = $("#activate-dialog");
  activate.addEventListener("click", async () => {
    try {
      const sum = await call("GET", `/editor/plans/${cfg.plan.id}/summary`);
      state.lastSummary = sum;
      $("#activate-summary").innerHTML = summaryHtml(sum, false);
      dialog.returnValue = "";
      dialog.showModal();
    } catch (err) { problem(err); }
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "activate") return;
    try {
      const got = await call("POST", `/api/plans/${cfg.plan.id}/activate/`);
      state.activated = got.summary;
      $("#plan-status").textContent = pgettext("plan", "生效");
      $("#plan-status").className = "badge st-active";
      $("#preview").innerHTML = `<h3>${esc(gettext("已启用"))}</h3>${summaryHtml(got.summary, true)}`;
      say(`${gettext("方案已启用：")}${$("#preview .moves").textContent}`, "ok");
      ed.setReadOnly(gettext("方案已生效：只读"));
    } catch (err) { problem(err); }
  });
})();
