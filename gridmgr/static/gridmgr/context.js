/* Context under a pin when no base map is configured: the regions and zones around the view,
   outlined and named (GET /map/context.geojson), so that a citizen or a grid worker can tell
   where the pin is. Redrawn after every move; a layer crowded in the view is left out by the
   server. Usage: gmContext(map) once the map has a view (not called when tiles are configured);
   the endpoint's address comes from this script tag's data-url. */
(function () {
  "use strict";

  var URL = document.currentScript.dataset.url;
  // The labels' look travels with the script: every page that loads it gets the same names.
  var css = document.createElement("style");
  css.textContent =
    ".ctx-label{pointer-events:none}" +
    ".ctx-label span{position:absolute;transform:translate(-50%,-50%);white-space:nowrap;" +
    "font:12px/1.2 system-ui,sans-serif;color:#1c4f8a;text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 2px #fff}" +
    ".ctx-district span{font-size:15px;font-weight:700;color:#b42318}" +
    ".ctx-subdistrict span{font-size:14px;font-weight:600;color:#5f3dc4}" +
    ".ctx-community span{font-size:13px;color:#495057}" +
    ".ctx-zone.r0 span{font-weight:600}";
  document.head.appendChild(css);

  var STYLE = {
    district: { color: "#b42318", weight: 2.5, fill: false },
    subdistrict: { color: "#5f3dc4", weight: 2, dashArray: "6 4", fill: false },
    community: { color: "#7b8794", weight: 1.2, dashArray: "3 3", fill: false }
  };
  var ZONE = { color: "#1c7ed6", weight: 1, opacity: 0.8, fill: false };

  function escapeHtml(text) {
    var div = document.createElement("div");
    div.textContent = text == null ? "" : String(text);
    return div.innerHTML;
  }

  // Regions by name; a unit grid by its code (what its worker and the hotline use); other
  // zones by name. Placed in this order of importance; a label that would cover one already
  // placed is left out (greedy placement, as map renderers do), so names stay readable.
  var LEVEL_ORDER = { subdistrict: 0, community: 1, district: 9 };

  function text(p) {
    if (p.kind === "region") { return p.name; }
    return p.unit || !p.name ? p.code : p.name;
  }

  function importance(p) {
    return p.kind === "region" ? (LEVEL_ORDER[p.layer] === undefined ? 5 : LEVEL_ORDER[p.layer])
      : 2 + p.rank;
  }

  function marker(p, latlng) {
    return L.marker(latlng, {
      interactive: false, keyboard: false, pane: "context",
      icon: L.divIcon({
        className: "ctx-label ctx-" + (p.kind === "region" ? p.layer : "zone r" + p.rank),
        html: "<span>" + escapeHtml(text(p)) + "</span>", iconSize: null
      })
    });
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  // Where a label may go, in pixels from its point: there, then a line below or above.
  var SHIFTS = [0, 18, -18, 36, -36];

  function place(map, names, features) {
    var placed = [];
    features.filter(function (f) { return f.properties.label; })
      .sort(function (a, b) { return importance(a.properties) - importance(b.properties); })
      .forEach(function (f) {
        var p = f.properties, at = map.latLngToContainerPoint([p.label[1], p.label[0]]);
        SHIFTS.some(function (dy) {
          var m = marker(p, map.containerPointToLatLng([at.x, at.y + dy]));
          names.addLayer(m);
          var box = m.getElement().firstChild.getBoundingClientRect();
          if (placed.some(function (other) { return overlaps(box, other); })) {
            names.removeLayer(m);
            return false;
          }
          placed.push(box);
          return true;
        });
      });
  }

  window.gmContext = function (map) {
    var pane = map.createPane("context");
    pane.style.zIndex = 350;  // above tiles (200), below the case's own shapes (400) and pins
    pane.style.pointerEvents = "none";
    var shapes = L.geoJSON(null, {
      pane: "context", interactive: false,
      style: function (f) {
        var p = f.properties;
        return p.kind === "region" ? (STYLE[p.layer] || STYLE.community) : ZONE;
      }
    }).addTo(map);
    var names = L.layerGroup().addTo(map);
    var asked = 0;
    function load() {
      var ask = ++asked;
      var q = "?bbox=" + map.getBounds().toBBoxString() + "&zoom=" + Math.round(map.getZoom());
      fetch(URL + q, { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fc) {
          if (!fc || ask !== asked) { return; }  // a later move has asked again
          shapes.clearLayers();
          names.clearLayers();
          shapes.addData(fc);
          place(map, names, fc.features);
          map.getContainer().dataset.context = String(fc.features.length);
        })
        .catch(function () { /* context is a help: the map works without it */ });
    }
    map.on("moveend", load);
    load();
    return { shapes: shapes, names: names };
  };
})();
