"""The zones a coverage analysis reads: one query, their outlines as WKB, decoded at once.

The coverage report (gridmgr.coverage.analysis) and the draft preview (gridmgr.editor.preview)
read their zones here. A zone nobody owns on the day counts as blind, so each row says whether
an ownership is current. Outlines travel as WKB and shapely decodes them in one vectorised call:
no GEOS object is built row by row in Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import shapely
from django.contrib.gis.db.models.functions import AsWKB
from django.contrib.gis.geos import Polygon
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, QuerySet
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gridmgr.models import Ownership, Region, Zone


@dataclass
class ZoneTable:
    """Zones by code: ids, codes, outlines (shapely), parent ids and whether someone owns each."""

    ids: NDArray[np.int64]
    codes: list[str]
    geoms: NDArray[np.object_]
    parent_ids: list[int | None]
    owned: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.codes)

    def code_of(self) -> dict[int, str]:
        """Each zone's code by id."""
        return dict(zip(self.ids.tolist(), self.codes, strict=True))

    def unowned(self) -> list[str]:
        """The codes of the zones nobody owns, in code order."""
        return [c for c, owned in zip(self.codes, self.owned.tolist(), strict=True) if not owned]

    def where(self, keep: NDArray[np.bool_]) -> ZoneTable:
        """The zones where `keep` is true, in the same order."""
        at = np.flatnonzero(keep)
        return ZoneTable(
            self.ids[at],
            [self.codes[i] for i in at.tolist()],
            self.geoms[at],
            [self.parent_ids[i] for i in at.tolist()],
            self.owned[at],
        )


def read(zones: QuerySet[Zone], day: dt.date) -> ZoneTable:
    """The zones of a queryset, by code, each with whether an ownership is current on `day`."""
    owned = Exists(Ownership.objects.current(day).filter(zone=OuterRef("pk")))
    found = zones.annotate(wkb=AsWKB("geom"), owned=owned).order_by("code")
    # Raw SQL: set_config, JIT off for this transaction only (the read itself is the ORM's).
    with transaction.atomic(), connection.cursor() as cur:
        # The planner's estimate of the owner test, zone by zone, calls for JIT compilation,
        # which takes longer than the whole read (it tests them all at once with a hash): off,
        # until this transaction ends.
        cur.execute("SELECT set_config('jit', 'off', true)")
        rows = list(found.values_list("id", "code", "wkb", "parent_id", "owned"))
    geoms = np.empty(len(rows), dtype=object)
    if rows:
        geoms[:] = shapely.from_wkb([bytes(r[2]) for r in rows])
    return ZoneTable(
        np.array([r[0] for r in rows], dtype=np.int64),
        [r[1] for r in rows],
        geoms,
        [r[3] for r in rows],
        np.array([bool(r[4]) for r in rows], dtype=bool),
    )


def over_region(
    region: Region, boundary: BaseGeometry, zones: QuerySet[Zone], day: dt.date
) -> ZoneTable:
    """The zones of a queryset that meet a region (`boundary` is its outline in shapely)."""
    # The database only narrows to the region's bounding box (its spatial index): testing every
    # zone against the detailed outline there took longer than the rest of the read, while
    # shapely does it on a prepared outline in a few milliseconds.
    box = Polygon.from_bbox(region.boundary.extent)
    box.srid = region.boundary.srid
    found = read(zones.filter(geom__bboverlaps=box), day)
    shapely.prepare(boundary)
    return found.where(shapely.intersects(boundary, found.geoms))


def parents_of(zones: ZoneTable) -> NDArray[np.object_]:
    """Each zone's parent outline (None where it has none), read in one query."""
    wanted = {p for p in zones.parent_ids if p is not None}
    rows = Zone.objects.filter(pk__in=wanted).annotate(wkb=AsWKB("geom")).values_list("id", "wkb")
    outline = {i: shapely.from_wkb(bytes(wkb)) for i, wkb in rows} if wanted else {}
    parents = np.empty(len(zones), dtype=object)
    parents[:] = [outline.get(p) if p is not None else None for p in zones.parent_ids]
    return parents
