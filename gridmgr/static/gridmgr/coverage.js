/* The coverage page: a small map of the region with its blind spots and overlaps (a click on a
   table row zooms to its piece), and export jobs that run in the background while the page
   polls their progress. Leaflet comes from /static/vendor/ (no CDN); the base map is the
   configured one, or the named context of context.js.
   Texts from Django's JavaScript catalogue (gettext, Chinese message ids), numbers from l10n.js. */
(() => {
  "use strict";
  const L10N = window.gmL10n;
  const STEPS = {
    queued: gettext("排队中"),
    analysing: gettext("分析中"),
    rendering: gettext("生成中"),
    writing: gettext("写入中"),
    done: gettext("完成"),
    failed: gettext("失败"),
  };
  const BLIND = "#d7191c";
  const OVERLAP = "#f28e2b";
  const POLL_MS = 700;
  const $ = (s, el = document) => el.querySelector(s);
  const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

  /* ---- map ---- */
  const data = JSON.parse($("#coverage-data").textContent);
  const map = L.map("covmap", { zoomSnap: 0.25, attributionControl: false });
  L.control.scale({ imperial: false }).addTo(map);
  const styles = {
    outline: { color: "#000", weight: 2.5, fill: false },
    subregion: { color: "#555", weight: 1, dashArray: "4 3", fill: false },
    blind: { color: BLIND, weight: 1, fillColor: BLIND, fillOpacity: 0.6 },
    overlap: { color: OVERLAP, weight: 1, fillColor: OVERLAP, fillOpacity: 0.6 },
  };
  const pieces = {};
  const layer = L.geoJSON(data, {
    style: (f) => styles[f.properties.kind],
    interactive: true,
    onEachFeature: (f, l) => {
      const p = f.properties;
      if (p.kind === "blind" || p.kind === "overlap") {
        pieces[p.id] = l;
        const kind = p.kind === "blind" ? gettext("盲区") : gettext("重叠区");
        l.bindTooltip(`${esc(kind)} · ${esc(p.layer_label || p.layer)}` +
          `<br>${L10N.number(p.area_m2, 1)} m²${p.zones ? "<br>" + esc(p.zones) : ""}`);
        l.on("click", () => select(p.id, false));
      } else {
        l.bindTooltip(esc(p.name));
      }
    },
  }).addTo(map);
  const home = layer.getBounds();
  if (home.isValid()) map.fitBounds(home, { padding: [8, 8] });
  else map.setView([39.9, 116.4], 12);
  // The base map if one is configured, else the named regions and zones around the view.
  const tiles = JSON.parse($("#basemap").textContent);
  tiles.forEach((t) => L.tileLayer(t.url, t).addTo(map));
  if (!tiles.length && window.gmContext) window.gmContext(map);

  let chosen = null;
  function select(id, zoom) {
    document.querySelectorAll("tr.piece.on").forEach((tr) => tr.classList.remove("on"));
    const row = document.querySelector(`tr.piece[data-piece="${id}"]`);
    if (row) row.classList.add("on");
    if (chosen) chosen.setStyle({ weight: 1 });
    chosen = pieces[id] || null;
    if (chosen) chosen.setStyle({ weight: 4 }).bringToFront();
    if (zoom && row) {
      const [minx, miny, maxx, maxy] = JSON.parse(row.dataset.bbox);
      map.fitBounds([[miny, minx], [maxy, maxx]], { maxZoom: 17, padding: [40, 40] });
      $("#covmap").scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }
  document.querySelectorAll("tr.piece").forEach((tr) => {
    tr.addEventListener("click", (e) => {
      if (!e.target.closest("a, form")) select(tr.dataset.piece, true);
    });
    tr.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.target.closest("a, form")) select(tr.dataset.piece, true);
    });
  });

  /* ---- exports ---- */
  const form = $("#export-form");
  const jobs = $("#jobs");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const fmt = e.submitter && e.submitter.value;
    if (fmt) startExport(fmt, e.submitter.textContent);
  });

  async function startExport(fmt, label) {
    const li = document.createElement("li");
    li.dataset.format = fmt;
    li.innerHTML = `<b>${esc(label)}</b> <span class="step">${esc(STEPS.queued)}</span>` +
      `<progress max="100" value="0"></progress><span class="result"></span>`;
    jobs.prepend(li);
    const body = new FormData(form);
    body.set("format", fmt);
    try {
      const r = await fetch(form.action, { method: "POST", body, credentials: "same-origin" });
      const job = await r.json();
      if (!r.ok) return show(li, { state: "failed", error: { zh: job.error, en: job.error_en } });
      li.dataset.job = job.id;
      poll(li, job.status_url);
    } catch (err) {
      show(li, { state: "failed", error: { zh: gettext("网络错误"), en: gettext("网络错误") } });
    }
  }

  async function poll(li, url) {
    try {
      const r = await fetch(url, { credentials: "same-origin", cache: "no-store" });
      const job = await r.json();
      if (!r.ok) return show(li, { state: "failed", error: { zh: job.error, en: job.error_en } });
      show(li, job);
      if (job.state === "queued" || job.state === "running") setTimeout(() => poll(li, url), POLL_MS);
    } catch (err) {
      setTimeout(() => poll(li, url), POLL_MS * 3);  // a network hiccup: keep trying
    }
  }

  function show(li, job) {
    li.dataset.state = job.state;
    const bar = $("progress", li);
    if (job.progress !== undefined) bar.value = job.progress;
    $(".step", li).textContent = STEPS[job.step] || STEPS[job.state] || "";
    const result = $(".result", li);
    if (job.state === "done") {
      result.innerHTML = `<a class="download" href="${esc(job.download_url)}">${esc(gettext("下载"))} ` +
        `${esc(job.filename)}</a>`;
    } else if (job.state === "failed") {
      bar.hidden = true;
      const err = job.error || {};
      result.innerHTML = `<span class="error">${esc(L10N.pick(err.zh, err.en))}</span>`;
    }
  }

  window.coverageMap = { map, pieces, select };
})();
