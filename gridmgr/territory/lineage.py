"""A unit across plan versions: one layer and one zone code, whichever plan its rows belong to.

Activating a plan makes new zone rows (gridmgr.territory.plans); a zone that keeps its code is
the same unit, so its cases, scores and history continue. Everything that groups or joins
issues by zone over time goes through the (layer, code) identity given here, never a zone id.

Where the land of a unit went when a plan was redrawn is read from geometry, since the editor
records no lineage: a current zone holds part of an earlier unit when it covers at least
GRIDMGR_LINEAGE_SHARE_PCT % of that unit's last area before it changed. Then:
- a code the active plan no longer has is retired: merged into the one current zone that holds
  its land, split into several, or simply retired when none does;
- a current code that no earlier plan of the layer had is new (and names the units it was
  carved from); a kept code whose land changed says which codes took part of it or which
  units it took in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection

from gridmgr.models import Layer, Zone

CURRENT, NEW, RETIRED = "current", "new", "retired"

# Per code of the layer: whether a zone of it is active, and whether a plan once in force for
# the layer and since replaced had it.
_CODES_SQL = """
SELECT z.code, bool_or(z.active),
  bool_or(NOT z.active AND pa.ended_at IS NOT NULL),
  EXISTS (SELECT 1 FROM gridmgr_planactivation e WHERE e.layer_id = %(layer)s
          AND e.ended_at IS NOT NULL)
FROM gridmgr_zone z
LEFT JOIN gridmgr_planactivation pa ON pa.plan_id = z.plan_id AND pa.layer_id = z.layer_id
WHERE z.layer_id = %(layer)s AND z.code = ANY(%(codes)s)
GROUP BY z.code
"""

# (earlier code, current code): the current zone holds enough of the earlier unit's last area
# before it changed (a unit whose outline did not change gives no pair).
_FLOWS_SQL = """
WITH last AS (
  SELECT DISTINCT ON (z.code) z.code, z.geom FROM gridmgr_zone z
  JOIN gridmgr_planactivation pa ON pa.plan_id = z.plan_id AND pa.layer_id = z.layer_id
  WHERE z.layer_id = %(layer)s AND NOT z.active AND pa.ended_at IS NOT NULL
  ORDER BY z.code, pa.ended_at DESC, z.id DESC
), cur AS (
  SELECT code, geom FROM gridmgr_zone WHERE layer_id = %(layer)s AND active
), changed AS (
  SELECT l.code, l.geom FROM last l LEFT JOIN cur c ON c.code = l.code
  WHERE c.code IS NULL OR NOT ST_Equals(l.geom, c.geom)
)
SELECT ch.code, c.code, NOT EXISTS (SELECT 1 FROM last WHERE last.code = c.code)
FROM changed ch JOIN cur c ON c.code <> ch.code AND ST_Intersects(ch.geom, c.geom)
WHERE ST_Area(ST_Intersection(ch.geom, c.geom)) >= %(share)s * ST_Area(ch.geom)
  AND (ch.code = ANY(%(codes)s) OR c.code = ANY(%(codes)s))
ORDER BY 1, 2
"""


@dataclass(frozen=True)
class Lineage:
    """What became of a unit in the plan in force: still there, new, or retired (and where to)."""

    code: str
    state: str  # CURRENT, NEW or RETIRED
    into: tuple[str, ...] = ()  # current codes holding part of this unit's earlier land
    came_from: tuple[str, ...] = ()  # earlier codes part of whose land this unit now holds
    renamed: bool = False  # retired, its land wholly in one new code: the unit was recoded

    @property
    def changed(self) -> bool:
        """Whether there is anything to say (a unit that simply continues has no mark)."""
        return self.state != CURRENT or bool(self.into or self.came_from)

    @property
    def zh(self) -> str:
        return self._text("、", _ZH)

    @property
    def en(self) -> str:
        return self._text(", ", _EN)

    def _text(self, sep: str, words: dict[str, str]) -> str:
        into, came = sep.join(self.into), sep.join(self.came_from)
        if self.state == RETIRED:
            key = "retired" if not self.into else "split" if len(self.into) > 1 else "merged"
            key = "renamed" if self.renamed else key
            return words[key].format(into)
        parts = [words["new"]] if self.state == NEW else []
        if self.into:
            parts.append(words["part"].format(into))
        if self.came_from:
            parts.append(words["new_from" if self.state == NEW else "took"].format(came))
        return words["join"].join(parts)


_ZH = {
    "retired": "已撤销",
    "merged": "已并入 {}",
    "renamed": "已改编为 {}",
    "split": "已拆分为 {}",
    "new": "新设",
    "part": "部分划入 {}",
    "new_from": "原属 {}",
    "took": "并入了 {}",
    "join": "，",
}
_EN = {
    "retired": "retired",
    "merged": "merged into {}",
    "renamed": "recoded as {}",
    "split": "split into {}",
    "new": "new",
    "part": "part now in {}",
    "new_from": "formerly part of {}",
    "took": "took in {}",
    "join": ", ",
}


def lineages(layer: Layer | int, codes: Iterable[str]) -> dict[str, Lineage]:
    """The lineage of each code of a layer (codes that no zone of the layer has are left out)."""
    layer_id = layer if isinstance(layer, int) else layer.pk
    wanted = sorted(set(codes))
    params: dict[str, Any] = {
        "layer": layer_id,
        "codes": wanted,
        "share": float(settings.GRIDMGR_LINEAGE_SHARE_PCT) / 100.0,
    }
    # Raw SQL: codes across plan versions and the area shares of their intersections.
    with connection.cursor() as cur:
        cur.execute(_CODES_SQL, params)
        found = cur.fetchall()
        cur.execute(_FLOWS_SQL, params)
        flows = cur.fetchall()
    into: dict[str, list[str]] = {}
    came: dict[str, list[str]] = {}
    fresh: set[str] = set()
    for old, new, is_new in flows:
        into.setdefault(old, []).append(new)
        came.setdefault(new, []).append(old)
        if is_new:
            fresh.add(new)
    result = {}
    for code, active, earlier, redrawn in found:
        state = RETIRED if not active else NEW if redrawn and not earlier else CURRENT
        went = tuple(into.get(code, ()))
        renamed = state == RETIRED and len(went) == 1 and went[0] in fresh
        result[code] = Lineage(code, state, went, tuple(came.get(code, ())), renamed)
    return result


def lineage_of(zone: Zone) -> Lineage:
    """The lineage of a zone's unit."""
    return lineages(zone.layer_id, [zone.code]).get(zone.code, Lineage(zone.code, CURRENT))
