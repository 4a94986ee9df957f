"""The coverage cache: every coverage report of a region and layer goes through here.

A layer's blind spots and overlaps take up to a second or two to analyse for a district. The
coverage page, its exports and /api/coverage/ all ask `report()`, which keeps the analysis in
Django's cache (the database by default, settings.CACHES: one copy for every gunicorn worker)
under a key that changes whenever what the analysis reads changes: the layer's plan activations,
its zones' edits, the ownerships (dated, hence the local day), the regions and the sliver
threshold. When several requests miss the same key at once (the map page asks for every layer
together, on every worker), a PostgreSQL advisory lock lets one of them analyse while the others
wait and then read its result. The change since the last snapshot is added after the cache, so
that a new snapshot shows at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone

from gridmgr.coverage.analysis import LayerCoverage, analyse_layer, save_snapshot, with_change
from gridmgr.models import CoverageSnapshot, Layer, Region

T = TypeVar("T")

# What a layer's coverage depends on: its activations, its zones' edits, the ownerships (their
# validity is dated, hence the day in the key), the regions and the sliver threshold.
_FINGERPRINT_SQL = """
SELECT (SELECT coalesce(max(id), 0) FROM gridmgr_planactivation WHERE layer_id = %(layer)s),
  (SELECT coalesce(max(updated_at)::text, '-') || '/' || count(*) || '/'
     || count(*) FILTER (WHERE active) FROM gridmgr_zone WHERE layer_id = %(layer)s),
  (SELECT count(*) || '/' || coalesce(max(id), 0) || '/' || count(valid_to) || '/'
     || coalesce(max(valid_to)::text, '-') FROM gridmgr_ownership),
  (SELECT count(*) || '/' || coalesce(max(id), 0) FROM gridmgr_region)
"""


def layer_key(prefix: str, layer: Layer, *extra: object) -> str:
    """A cache key for an analysis of `layer` (and `extra`) as the database stands now."""
    # Raw SQL: one round trip of four aggregates; the ORM would take four.
    with connection.cursor() as cur:
        cur.execute(_FINGERPRINT_SQL, {"layer": layer.pk})
        row = cur.fetchone()
    state = "|".join(str(v) for v in (*row, layer.pk, timezone.localdate(), *extra))
    state += f"|{settings.GRIDMGR_SLIVER_M2}"
    return prefix + hashlib.sha1(state.encode()).hexdigest()


def computed_once(key: str, kind: type[T], compute: Callable[[], T], seconds: int) -> T:
    """The cached value of `key`, else `compute()` stored for `seconds`, one computation at a time."""
    found = cache.get(key)
    if isinstance(found, kind):
        return found
    # The lock is held until the transaction ends, after the database cache row is written.
    lock = int.from_bytes(hashlib.sha1(key.encode()).digest()[:8], "big", signed=True)
    with transaction.atomic():
        # Raw SQL: pg_advisory_xact_lock has no ORM spelling.
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
        found = cache.get(key)  # computed by whoever held the lock before us
        if isinstance(found, kind):
            return found
        value = compute()
        cache.set(key, value, seconds)
    return value


def cache_key(region: Region, layer: Layer) -> str:
    """The cache key of a report: it changes whenever what the analysis reads changes."""
    return layer_key("gridmgr:coverage_web:", layer, f"{region.pk}:{region.code}")


def layer_report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer, without the change (cached)."""
    # GRIDMGR_COVERAGE_CACHE_S bounds the life of a report: a change the key misses (an
    # ownership's start date edited in place) shows after this long at most.
    seconds = int(settings.GRIDMGR_COVERAGE_CACHE_S)
    key = cache_key(region, layer)
    return computed_once(key, LayerCoverage, lambda: analyse_layer(region, layer), seconds)


def report(region: Region, layer: Layer) -> LayerCoverage:
    """The coverage of a region by a layer and its change since the last snapshot: what the
    coverage page, its exports and /api/coverage/ show."""
    return with_change(layer_report(region, layer), region, layer)


def reports(region: Region, layers: list[Layer]) -> list[LayerCoverage]:
    """Reports for each layer, in the order given."""
    return [report(region, layer) for layer in layers]


def store_snapshots(region: Region, layers: list[Layer]) -> list[CoverageSnapshot]:
    """Store the current coverage of each layer as a dated snapshot."""
    return [save_snapshot(layer_report(region, layer), region, layer) for layer in layers]
