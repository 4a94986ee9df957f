/* Leaflet-Geoman's own texts (toolbar titles, drawing hints, action buttons) in the page's
   language. Geoman 2.20 ships "zh" and "en", but its "zh" lacks the texts added since (text,
   scale, union, measurements…), which would show in English: they are completed here. The
   buttons the editor shows are named as the editor's hint names them (zones, not Geoman's
   "layers"), in both languages through Django's JavaScript catalogue.
   setLang(lang, texts, base) merges texts into Geoman's table for `base` (lodash merge, in
   place) and files the result under `lang`: base is always lang, so "en" keeps its own texts. */
(function () {
  "use strict";
  const ZH = {
    tooltips: {
      placeText: "单击放置文字",
      selectFirstLayerFor: "请选择要{action}的第一个图层",
      selectSecondLayerFor: "请选择要{action}的第二个图层",
    },
    buttonTitles: {
      drawTextButton: "绘制文字",
      scaleButton: "缩放图层",
      autoTracingButton: "自动追踪线段",
      snapGuidesButton: "显示吸附参考线",
      unionButton: "合并图层",
      differenceButton: "减去图层",
    },
    measurements: {
      totalLength: "长度",
      segmentLength: "线段长度",
      area: "面积",
      radius: "半径",
      perimeter: "周长",
      height: "高度",
      width: "宽度",
      coordinates: "位置",
      coordinatesMarker: "标记位置",
    },
  };

  window.gmGeomanLang = function (map) {
    const lang = window.gmL10n.geomanLang;
    const buttons = {
      buttonTitles: {
        drawPolyButton: gettext("绘制区域"),
        editButton: gettext("编辑顶点"),
        dragButton: gettext("拖动区域"),
        cutButton: gettext("剪切区域"),
        deleteButton: gettext("删除区域"),
      },
    };
    if (lang === "zh") map.pm.setLang("zh", ZH, "zh");
    map.pm.setLang(lang, buttons, lang);
  };
})();
