/* UI strings of the map page in the active language, from Django's JavaScript catalogue
   (gettext / interpolate of /jsi18n/, message ids in Chinese: locale/en/LC_MESSAGES/djangojs.po).
   Names of places, people, zones and categories are data and come from the server. */
(function () {
  "use strict";
  const fmt = (text, values) => interpolate(text, values, true);
  window.GRIDMGR_MAP_STRINGS = {
    loading: gettext("加载中…"),
    zoom: gettext("缩放"),
    zoomIn: (z) => fmt(gettext("放大至%(z)s级"), { z }),
    truncated: gettext("已截断"),
    failed: gettext("加载失败"),
    noResults: gettext("没有找到"),
    match: {
      code: gettext("编码"),
      name: gettext("名称"),
      owner: gettext("责任人"),
      point: gettext("覆盖该点"),
      region: gettext("行政区划"),
    },
    point: gettext("坐标"),
    state: {
      owned: gettext("有责任人"),
      unowned: gettext("无责任人"),
      overlap: gettext("重叠"),
    },
    blind: gettext("盲区"),
    overlapPiece: gettext("重叠区"),
    unownedOwner: pgettext("owner", "无责任人"),
    moreOwners: (n) => fmt(ngettext("另有%(n)s位", "另有%(n)s位", n), { n: gmL10n.number(n) }),
    region: gettext("行政区划边界"),
    station: gettext("驻点"),
    issue: gettext("问题"),
    cluster: gettext("问题聚合"),
    layer: gettext("图层"),
    area: gettext("面积"),
    plan: gettext("方案"),
    regionName: gettext("所属区划"),
    version: gettext("版本"),
    updated: gettext("更新"),
    owners: gettext("责任链"),
    issues: pgettext("plural", "问题"),
    history: gettext("近期记录"),
    openOf: (o, t) => fmt(gettext("在办 %(open)s · 共 %(total)s"),
      { open: gmL10n.number(o), total: gmL10n.number(t) }),
    none: gettext("无"),
    edit: gettext("在后台编辑"),
    details: gettext("详情"),
    cadre: gettext("驻点干部"),
    packageArea: gettext("包片区"),
    zones: gettext("涉及区域"),
    close: gettext("关闭"),
    event: {
      zone: (e) => fmt(gettext("区域版本 v%(version)s"), e),
      activated: (e) => fmt(gettext("方案生效：%(plan)s"), e),
      retired: (e) => fmt(gettext("方案停用：%(plan)s"), e),
      owner_from: (e) => fmt(gettext("%(owner)s 开始负责（%(role)s）"), e),
      owner_to: (e) => fmt(gettext("%(owner)s 不再负责（%(role)s）"), e),
      transition: (e) => fmt(gettext("问题 #%(issue)s：%(from)s → %(to)s（%(action)s）"), e),
    },
  };
})();
