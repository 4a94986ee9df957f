/* Maps of the case-work pages: issue clusters, a case's location, the citizen's tap or GPS fix.
   Tiles only when a base map is configured; without one, the named regions and zones around
   the view (context.js) give the context.
   Texts in the active language from Django's JavaScript catalogue (gettext, message ids in
   Chinese), numbers and dates from l10n.js (gmL10n); both are loaded before this file. */
(function () {
  "use strict";

  var L10N = window.gmL10n;
  function fmt(text, values) { return interpolate(text, values, true); }


  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function baseMap(el) {
    // Tiles only when the site configures an (internal) base map: GRIDMGR_BASEMAP.
    var tiles = data("basemap") || [];
    var map = L.map(el, { zoomSnap: 0.5, maxZoom: 20, attributionControl: tiles.length > 0 });
    tiles.forEach(function (t) { L.tileLayer(t.url, t).addTo(map); });
    var outline = data("outline");
    var layer = L.geoJSON(outline, {
      interactive: false,
      style: function (f) {
        var district = f.properties.level === "district";
        return { color: district ? "#b42318" : "#7b8794", weight: district ? 2.5 : 1,
                 dashArray: district ? null : "4 3", fill: district, fillOpacity: 0.03 };
      }
    });
    if (layer.getLayers().length) { map.fitBounds(layer.getBounds()); } else { map.setView([39.9, 116.4], 12); }
    // No tiles: the regions and zones around the view, named, are the context (context.js);
    // over tiles, the outline alone marks the district.
    if (tiles.length || !window.gmContext) { layer.addTo(map); } else { window.gmContext(map); }
    return { map: map, outline: layer };
  }

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  function issueMap(el) {
    var base = baseMap(el), map = base.map;
    var labels = data("status-labels") || {};
    var colour = {};  // one palette with /map/ (gridmgr/viewport/palette.py)
    (data("status-palette") || []).forEach(function (s) { colour[s.status] = s.colour; });
    var detail = el.dataset.detail;
    var status = document.getElementById("map-status");
    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    map.addLayer(cluster);
    window.issueMap = { map: map, cluster: cluster, ready: false };
    fetch(el.dataset.geojson, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (fc) {
        var markers = fc.features.map(function (f) {
          var p = f.properties, ll = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
          var m = L.circleMarker(ll, {
            radius: 7, weight: p.overdue ? 3 : 1.5, color: p.overdue ? "#b42318" : "#fff",
            fillColor: colour[p.status] || "#495057", fillOpacity: 0.9
          });
          m.bindPopup(
            "<strong>" + escapeHtml(p.tracking || "#" + f.id) + "</strong><br>" +
            escapeHtml(L10N.pick(p.category, p.category_en)) + "<br>" +
            escapeHtml(labels[p.status] || p.status) +
            (p.overdue ? " · <span class='overdue'>" + escapeHtml(gettext("超期")) + "</span>" : "") +
            "<br><span class='en'>" + escapeHtml(L10N.time(p.reported)) + "</span><br>" +
            "<a href='" + detail.replace("/0/", "/" + f.id + "/") + "'>" + escapeHtml(gettext("详情")) + " →</a>"
          );
          return m;
        });
        cluster.addLayers(markers);
        if (markers.length) { map.fitBounds(cluster.getBounds(), { maxZoom: 15, padding: [20, 20], animate: false }); }
        status.textContent = fmt(ngettext("共 %(n)s 件", "共 %(n)s 件", fc.count), { n: L10N.number(fc.count) }) +
          (fc.count >= (+el.dataset.cap) ? gettext("（仅显示最新）") : "");
        window.issueMap.ready = true;
      })
      .catch(function () { status.textContent = gettext("问题加载失败"); });
  }

  function caseMap(el) {
    var base = baseMap(el), map = base.map;
    var receipt = data("zones") || { type: "FeatureCollection", features: [] };
    var features = receipt.features;
    var zones = L.geoJSON(receipt, {
      // The lowest layer's zone (the unit grid) filled, the zones above it as dashed outlines.
      style: function (f) {
        var lowest = f === features[features.length - 1];
        return { color: "#1c7ed6", weight: lowest ? 2 : 1.5, dashArray: lowest ? null : "5 4",
                 fill: lowest, fillOpacity: 0.08 };
      },
      onEachFeature: function (f, layer) {
        var p = f.properties;
        layer.bindTooltip(escapeHtml(L10N.pick(p.layer, p.layer_en) + " " + p.code + " " + p.name));
      }
    }).addTo(map);
    var ll = [+el.dataset.lat, +el.dataset.lon];
    L.marker(ll).addTo(map);
    var grid = zones.getLayers();
    if (grid.length) { map.fitBounds(grid[grid.length - 1].getBounds(), { maxZoom: 17, padding: [40, 40], animate: false }); }
    else { map.setView(ll, 17, { animate: false }); }
  }

  function reportMap(el) {
    var base = baseMap(el), map = base.map;
    var lon = document.getElementById("id_lon"), lat = document.getElementById("id_lat");
    var where = document.getElementById("where"), marker = null;
    var chosen = gettext("已选位置");
    function place(latlng, how) {
      if (marker) { marker.setLatLng(latlng); } else {
        marker = L.marker(latlng, { draggable: true }).addTo(map);
        marker.on("dragend", function () { place(marker.getLatLng(), chosen); });
      }
      lon.value = latlng.lng.toFixed(7);
      lat.value = latlng.lat.toFixed(7);
      where.textContent = fmt(gettext("%(how)s：%(lon)s, %(lat)s"),
        { how: how, lon: latlng.lng.toFixed(5), lat: latlng.lat.toFixed(5) });
      where.className = "where set";
    }
    map.on("click", function (e) {
      place(e.latlng, chosen);
      // A tap on the whole district is rough: zoom in so that the pin can be dragged exactly.
      if (map.getZoom() < 15) { map.setView(e.latlng, 16); }
    });
    if (lon.value && lat.value) { place(L.latLng(+lat.value, +lon.value), chosen); }
    var gps = document.getElementById("gps");
    if (!navigator.geolocation) { gps.hidden = true; }
    gps.addEventListener("click", function () {
      where.textContent = gettext("正在定位…");
      // Browsers report WGS84, the system the server expects from this page.
      navigator.geolocation.getCurrentPosition(function (pos) {
        var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
        place(ll, gettext("当前位置"));
        map.setView(ll, 17);
      }, function () {
        where.textContent = gettext("无法定位，请在地图上点选");
        where.className = "where";
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
    var photos = document.getElementById("id_photos");
    photos.addEventListener("change", function () {
      var max = +photos.dataset.max;
      photos.setCustomValidity(photos.files.length > max
        ? fmt(ngettext("最多 %(n)s 张照片", "最多 %(n)s 张照片", max), { n: max }) : "");
      photos.reportValidity();
    });
    document.getElementById("report-form").addEventListener("submit", function (e) {
      if (!lon.value) {
        e.preventDefault();
        where.textContent = gettext("请先在地图上点选位置或使用定位");
        where.className = "where overdue";
        return;
      }
      // One case however often the button is pressed (the server also checks the form's key).
      var button = document.getElementById("send");
      if (button.disabled) { e.preventDefault(); return; }
      button.disabled = true;
    });
    window.reportMap = { map: map };
  }

  var el;
  if ((el = document.getElementById("issue-map"))) { issueMap(el); }
  if ((el = document.getElementById("case-map"))) { caseMap(el); }
  if ((el = document.getElementById("report-map"))) { reportMap(el); }
})();
