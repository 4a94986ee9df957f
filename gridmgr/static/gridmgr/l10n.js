/* The pages' language, numbers and dates, for their scripts.
   The language is <html lang>, set by Django from the user's choice (中文 / English switcher);
   the texts come from Django's JavaScript catalogue (/jsi18n/: gettext, ngettext, interpolate),
   loaded before this file, whose message ids are the Chinese texts (README: languages).
   Numbers: thousands separators in both languages (1,234.5); dates and times as the server
   writes them: 2026-03-02 09:05 in Chinese, 2 Mar 2026 09:05 in English, on the district's
   clock (the server sends local times). Leaflet-Geoman takes gmL10n.geomanLang ("zh" / "en"). */
(function () {
  "use strict";
  var lang = (document.documentElement.lang || "zh-hans").toLowerCase();
  var english = lang.indexOf("en") === 0;
  var locale = english ? "en" : "zh-CN";
  var formats = {};
  var months = [];
  for (var m = 0; m < 12; m += 1) {
    months.push(new Intl.DateTimeFormat("en", { month: "short", timeZone: "UTC" })
      .format(new Date(Date.UTC(2000, m, 1))));
  }

  /* A number with `digits` decimals (0 by default) and grouped thousands. */
  function number(n, digits) {
    var d = digits || 0;
    if (!formats[d]) {
      formats[d] = new Intl.NumberFormat(locale, { minimumFractionDigits: d, maximumFractionDigits: d });
    }
    return formats[d].format(Number(n));
  }

  /* An area in m² (km² from a square kilometre on). */
  function area(m2) {
    var n = Number(m2);
    return n >= 1e6 ? number(n / 1e6, 2) + " km²" : number(n, 1) + " m²";
  }

  /* "2026-03-02T09:05+08:00", "2026-03-02 09:05" or "2026-03-02" as the page writes it. */
  function time(iso) {
    var p = /^(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d))?/.exec(iso || "");
    if (!p) return iso || "";
    var date = english ? Number(p[3]) + " " + months[Number(p[2]) - 1] + " " + p[1]
      : p[1] + "-" + p[2] + "-" + p[3];
    return p[4] ? date + " " + p[4] + ":" + p[5] : date;
  }

  /* Data in both languages (an error's zh and en, a name and its English twin). */
  function pick(zh, en) {
    return english && en ? en : zh;
  }

  /* Leaflet's own zoom buttons ("Zoom in" / "Zoom out") on every map of the app. */
  if (window.L && L.Control && L.Control.Zoom) {
    L.Control.Zoom.mergeOptions({ zoomInTitle: gettext("放大"), zoomOutTitle: gettext("缩小") });
  }

  window.gmL10n = {
    lang: lang, english: english, locale: locale, geomanLang: english ? "en" : "zh",
    number: number, area: area, time: time, pick: pick
  };
})();
